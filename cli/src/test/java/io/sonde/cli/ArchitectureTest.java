package io.sonde.cli;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the project (docs/architecture.md), checked on every build instead of in
 * review: one place for all of them. The benchmark module is on this test's classpath so that its
 * rules are checked too.
 */
class ArchitectureTest {
    private static final String[] SERVICES = {
        "io.sonde.ingest..", "io.sonde.stream..", "io.sonde.push..", "io.sonde.simulator.."
    };
    private static final String[] TOOLING = {
        "io.sonde.devtools..",
        "io.sonde.stack..",
        "io.sonde.cli..",
        "io.sonde.bench..",
        "io.sonde.testing.."
    };

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
    void theHubKnowsNeitherKafkaNorHttpNorItsUsers() {
        noClasses()
                .that()
                .resideInAPackage("io.sonde.push.hub..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.helidon..",
                        "org.apache.kafka..",
                        "io.sonde.push.session..",
                        "io.sonde.push.transport..",
                        "io.sonde.push.kafka..")
                .check(sonde);
    }

    @Test
    void sessionsKnowNeitherKafkaNorHttp() {
        noClasses()
                .that()
                .resideInAPackage("io.sonde.push.session..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.helidon..", "org.apache.kafka..", "io.sonde.push.transport..")
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
    void kafkaStaysInTheKafkaPackageOfThePushGateway() {
        noClasses()
                .that()
                .resideInAPackage("io.sonde.push..")
                .and()
                .resideOutsideOfPackages("io.sonde.push.kafka..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.kafka..")
                .check(sonde);
    }

    @Test
    void ingestFlowsFromTransportThroughProtocolToKafka() {
        // Devices' bytes come in through the transport, the protocol decides (acks, limits,
        // validation), the kafka package writes: nothing points back up the flow.
        noClasses()
                .that()
                .resideInAnyPackage("io.sonde.ingest.protocol..", "io.sonde.ingest.kafka..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.sonde.ingest.transport..")
                .check(sonde);
        noClasses()
                .that()
                .resideInAPackage("io.sonde.ingest.kafka..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.sonde.ingest.protocol..")
                .check(sonde);
    }

    @Test
    void theIngestProtocolKnowsNeitherHttpNorKafka() {
        noClasses()
                .that()
                .resideInAPackage("io.sonde.ingest.protocol..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.helidon.webserver..", "io.helidon.websocket..", "org.apache.kafka..")
                .because(
                        "the ack, validation and rate rules are tested without a socket or a"
                                + " broker")
                .check(sonde);
    }

    @Test
    void onlyTheIngestTransportSpeaksHttpAndOnlyItsKafkaPackageKafka() {
        noClasses()
                .that()
                .resideInAPackage("io.sonde.ingest..")
                .and()
                .resideOutsideOfPackages("io.sonde.ingest.transport..")
                .and()
                .haveSimpleNameNotEndingWith("Main")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.helidon.webserver..", "io.helidon.websocket..")
                .check(sonde);
        noClasses()
                .that()
                .resideInAPackage("io.sonde.ingest..")
                .and()
                .resideOutsideOfPackages("io.sonde.ingest.kafka..")
                .and()
                .haveSimpleNameNotEndingWith("Main")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.kafka..")
                .check(sonde);
    }

    @Test
    void servicesDoNotReachIntoEachOther() {
        for (String service : SERVICES) {
            noClasses()
                    .that()
                    .resideInAPackage(service)
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(others(SERVICES, service))
                    .check(sonde);
        }
    }

    @Test
    void servicesShipNoDevelopmentTooling() {
        noClasses()
                .that()
                .resideInAnyPackage(SERVICES)
                .or()
                .resideInAnyPackage("io.sonde.platform..", "io.sonde.client..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(TOOLING)
                .because("dev keys, the local stack and test support are not part of a service")
                .check(sonde);
    }

    @Test
    void aServicesPartsNeverCallBackIntoItsMain() {
        noClasses()
                .that()
                .resideInAnyPackage(SERVICES)
                .and()
                .haveSimpleNameNotEndingWith("Main")
                .should()
                .dependOnClassesThat()
                .haveSimpleNameEndingWith("Main")
                .because("the *Main class assembles the parts; the parts do not know it")
                .check(sonde);
    }

    @Test
    void packagesOfTheProductHaveNoCycles() {
        // The benchmark scenarios and their runner refer to each other by design; the product
        // packages may not.
        slices().matching("io.sonde.(**)")
                .should()
                .beFreeOfCycles()
                .check(sonde.that(resideOutsideOfPackage("io.sonde.bench..")));
    }

    @Test
    void sharedCodeDependsOnNoService() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.sonde.platform..",
                        "io.sonde.proto..",
                        "io.sonde.kafka.embedded..",
                        "io.sonde.client..",
                        "io.sonde.devtools..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.sonde.ingest..",
                        "io.sonde.stream..",
                        "io.sonde.push..",
                        "io.sonde.simulator..",
                        "io.sonde.stack..",
                        "io.sonde.cli..")
                .check(sonde);
    }

    @Test
    void theClientsUseOnlyTheJdkTheSchemaAndAJsonParser() {
        classes()
                .that()
                .resideInAPackage("io.sonde.client..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "io.sonde.client..",
                        "io.sonde.proto..",
                        "com.google.protobuf..",
                        "com.fasterxml.jackson..",
                        "java..")
                .because("they speak the public protocols as any outside program would")
                .check(sonde);
    }

    @Test
    void theBenchmarksDoNotDependOnTheCommandLine() {
        noClasses()
                .that()
                .resideInAPackage("io.sonde.bench..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.sonde.cli..")
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
        return Arrays.stream(all).filter(s -> !s.equals(self)).toArray(String[]::new);
    }
}
