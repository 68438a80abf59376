package io.keygate.backend;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * the backend verifier is the other side of the gateway's specs (signatures, attestation, payload envelopes):
 * it codes them on its own, so a mistake in the gateway's code is not shared and goes unseen.
 * Only the JSON vectors tie the implementations together.
 */
class StandsAloneTest {
  @Test
  void productionCode_usesNoGatewayHsmOrOtherSideCode() {
    // This module's compiled production classes only: scanning the classpath takes many seconds.
    JavaClasses ours = new ClassFileImporter().importPath(
        Path.of(System.getProperty("basedir", "."), "target", "classes"));
    assertThat(ours.size()).as("classes imported").isGreaterThan(5);
    noClasses().should().dependOnClassesThat().resideInAnyPackage(
            "io.keygate.gateway..", "io.keygate.hsm..", "io.keygate.admin..", "io.keygate.client..")
        .as("the backend verifier uses no code of the gateway, the HSM adapter or the other side")
        .check(ours);
  }
}
