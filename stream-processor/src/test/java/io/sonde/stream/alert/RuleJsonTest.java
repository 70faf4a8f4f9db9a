package io.sonde.stream.alert;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleJsonTest {
    private static final String BASE =
            "{\"metric\":\"temperature\",\"op\":\">\",\"threshold\":80,\"clearThreshold\":75,"
                    + "\"forSeconds\":30,\"severity\":\"critical\",\"devices\":\"plant-*\"}";

    @Test
    void aValidThresholdRuleRoundTripsThroughJsonAndTheTopicRecord() {
        Rule rule = RuleJson.parse("temp-high", BASE).rule().orElseThrow();

        assertThat(rule.kind()).isEqualTo(Rule.Kind.THRESHOLD);
        assertThat(rule.op()).isEqualTo(Op.GT);
        assertThat(rule.clearThreshold()).isEqualTo(75);
        assertThat(rule.forMs()).isEqualTo(30_000);
        assertThat(rule.appliesTo("plant-7")).isTrue();
        assertThat(rule.appliesTo("office-1")).isFalse();
        assertThat(Rule.fromProto(rule.toProto())).isEqualTo(rule);
        assertThat(RuleJson.parse("temp-high", RuleJson.toJson(rule).toString()).rule())
                .contains(rule);
    }

    @Test
    void anAbsenceRuleRoundTrips() {
        Rule rule =
                RuleJson.parse(
                                "silent",
                                "{\"kind\":\"absence\",\"afterSeconds\":60,\"severity\":\"major\"}")
                        .rule()
                        .orElseThrow();

        assertThat(rule.afterMs()).isEqualTo(60_000);
        assertThat(rule.devices()).isEqualTo("*");
        assertThat(Rule.fromProto(rule.toProto())).isEqualTo(rule);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"metric\":\"temperature\"|\"metric\":\"temp erature\"|metric",
                "\"op\":\">\"|\"op\":\"!=\"|op",
                "\"threshold\":80|\"threshold\":\"hot\"|threshold",
                "\"clearThreshold\":75|\"clearThreshold\":85|clearThreshold",
                "\"forSeconds\":30|\"forSeconds\":1.5|forSeconds",
                "\"forSeconds\":30|\"forSeconds\":-1|forSeconds",
                "\"forSeconds\":30|\"forSeconds\":86401|forSeconds",
                "\"severity\":\"critical\"|\"severity\":\"loud\"|severity",
                "\"devices\":\"plant-*\"|\"devices\":\"\"|devices",
                "\"devices\":\"plant-*\"|\"devices\":\"x\",\"colour\":\"red\"|colour",
            })
    void aBadFieldIsNamed(String good, String bad, String field) {
        RuleJson.Parsed parsed = RuleJson.parse("r", BASE.replace(good, bad));

        assertThat(parsed.rule()).isEmpty();
        assertThat(parsed.problem())
                .hasValueSatisfying(p -> assertThat(p.field()).isEqualTo(field));
    }

    @Test
    void theIdMustBeANameAndAgreeWithTheBody() {
        assertThat(RuleJson.parse("bad id", BASE).problem().orElseThrow().field()).isEqualTo("id");
        assertThat(
                        RuleJson.parse("a", BASE.replace("{", "{\"id\":\"b\","))
                                .problem()
                                .orElseThrow()
                                .field())
                .isEqualTo("id");
        assertThat(RuleJson.parse("a", "[1]").problem()).isPresent();
        assertThat(RuleJson.parse("a", "not json").problem()).isPresent();
        assertThat(
                        RuleJson.parse(
                                        "a",
                                        "{\"kind\":\"absence\",\"afterSeconds\":60,\"metric\":\"t\",\"severity\":\"info\"}")
                                .problem()
                                .orElseThrow()
                                .field())
                .isEqualTo("metric");
        assertThat(
                        RuleJson.parse("a", "{\"kind\":\"absence\",\"severity\":\"info\"}")
                                .problem()
                                .orElseThrow()
                                .field())
                .isEqualTo("afterSeconds");
    }
}
