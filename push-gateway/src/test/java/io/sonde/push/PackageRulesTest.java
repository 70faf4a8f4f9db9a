package io.sonde.push;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package boundaries of DESIGN §2, checked rather than reviewed. */
class PackageRulesTest {
    private static final JavaClasses CLASSES =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("io.sonde.push");

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
                .check(CLASSES);
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
                .check(CLASSES);
    }

    @Test
    void onlyTheTransportPackageUsesHelidonWebServerSseOrWebSocket() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.sonde.push.transport..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.helidon.webserver.sse..",
                        "io.helidon.webserver.websocket..",
                        "io.helidon.http.sse..",
                        "io.helidon.websocket..")
                .check(CLASSES);
    }

    @Test
    void kafkaStaysInTheKafkaPackage() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.sonde.push.kafka..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.kafka..")
                .check(CLASSES);
    }
}
