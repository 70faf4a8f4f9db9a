package io.sonde.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package rules of DESIGN §2-3, checked on every build instead of in review. */
class ArchitectureTest {
    private static JavaClasses sonde;

    @BeforeAll
    static void importClasses() {
        sonde =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.sonde");
    }

    @Test
    void noGrabBagPackages() {
        noClasses()
                .should()
                .resideInAnyPackage(
                        "..util..",
                        "..utils..",
                        "..common..",
                        "..helpers..",
                        "..helper..",
                        "..misc..")
                .because("a package says what its classes are for")
                .check(sonde);
    }

    @Test
    void theHubKnowsNeitherHelidonNorKafka() {
        noClasses()
                .that()
                .resideInAPackage("io.sonde.push.hub..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.helidon..", "org.apache.kafka..")
                .check(sonde);
    }

    @Test
    void onlyTheTransportSpeaksSseAndWebSocketInThePushGateway() {
        noClasses()
                .that()
                .resideInAPackage("io.sonde.push..")
                .and()
                .resideOutsideOfPackage("io.sonde.push.transport..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.helidon.webserver.sse..",
                        "io.helidon.websocket..",
                        "io.helidon.webserver.websocket..",
                        "io.helidon.http.sse..")
                .check(sonde);
    }

    @Test
    void onlyTheKafkaPackageOfThePushGatewayTalksToKafka() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.sonde.push.hub..",
                        "io.sonde.push.session..",
                        "io.sonde.push.transport..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka.clients..")
                .check(sonde);
    }

    @Test
    void servicesDoNotReachIntoEachOther() {
        String[] services = {
            "io.sonde.ingest..", "io.sonde.stream..", "io.sonde.push..", "io.sonde.simulator.."
        };
        for (String service : services) {
            noClasses()
                    .that()
                    .resideInAPackage(service)
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(others(services, service))
                    .check(sonde);
        }
    }

    @Test
    void sharedCodeDependsOnNoService() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.sonde.platform..", "io.sonde.proto..", "io.sonde.kafka.embedded..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.sonde.ingest..",
                        "io.sonde.stream..",
                        "io.sonde.push..",
                        "io.sonde.simulator..",
                        "io.sonde.cli..")
                .check(sonde);
    }

    @Test
    void theSchemaKnowsNoFramework() {
        classes()
                .that()
                .resideInAPackage("io.sonde.proto..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("io.sonde.proto..", "com.google.protobuf..", "java..")
                .check(sonde);
    }

    private static String[] others(String[] all, String self) {
        return java.util.Arrays.stream(all).filter(s -> !s.equals(self)).toArray(String[]::new);
    }
}
