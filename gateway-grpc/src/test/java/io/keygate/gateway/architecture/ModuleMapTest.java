package io.keygate.gateway.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.keygate.gateway.dataplane.archviolation.DataPlaneCallingAdmin;
import io.keygate.gateway.dataplane.archviolation.DataPlaneCallingRedis;
import io.keygate.gateway.dataplane.archviolation.DataPlaneUsingTheSdksPayloadCodec;
import io.keygate.gateway.dataplane.archviolation.DataPlaneUsingTheVerifier;
import io.keygate.gateway.dataplane.archviolation.DataPlaneReadingJdbc;
import io.keygate.gateway.admin.api.AdminService;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds the production code (gateway and hsm-adapter, tests excluded) to {@link ModuleMap}, and
 * shows that the rules bite: each is also run on a deliberately misplaced class, and must fail.
 */
class ModuleMapTest {
  private static JavaClasses production;

  @BeforeAll
  static void importProductionCode() {
    production = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        // hsm-adapter's test fixtures come as a test-jar; they are not production code either.
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("io.keygate.gateway", "io.keygate.hsm");
  }

  @Test
  void productionCode_followsEveryRuleOfTheMap() {
    assertThat(production.size()).as("classes imported").isGreaterThan(100);
    List<String> broken = new ArrayList<>();
    for (ArchRule rule : ModuleMap.ALL) {
      EvaluationResult result = rule.evaluate(production);
      if (result.hasViolation()) {
        broken.add(rule.getDescription() + ":\n  "
            + String.join("\n  ", result.getFailureReport().getDetails()));
      }
    }
    assertThat(broken).isEmpty();
  }

  @Test
  void theDataPlaneRule_fails_forADataPlaneClassThatCallsTheAdminPlane() {
    JavaClasses misplaced = new ClassFileImporter()
        .importClasses(DataPlaneCallingAdmin.class, AdminService.class);

    EvaluationResult result = ModuleMap.DATA_PLANE_NEVER_USES_THE_ADMIN_PLANE.evaluate(misplaced);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anyMatch(line -> line.contains(DataPlaneCallingAdmin.class.getName())
            && line.contains(AdminService.class.getName()));
  }

  @Test
  void theJdbcRule_fails_forAClassOutsideTheStoreThatReadsJdbc() {
    JavaClasses misplaced = new ClassFileImporter().importClasses(DataPlaneReadingJdbc.class);

    EvaluationResult result = ModuleMap.ONLY_THE_STORE_TOUCHES_JDBC.evaluate(misplaced);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anyMatch(line -> line.contains("javax.sql.DataSource"));
  }

  @Test
  void theAttestationRule_fails_forAGatewayClassThatUsesTheVerifiersCode() {
    JavaClasses misplaced = new ClassFileImporter().importClasses(DataPlaneUsingTheVerifier.class);

    EvaluationResult result =
        ModuleMap.THE_GATEWAY_ATTESTS_WITHOUT_THE_VERIFIERS_CODE.evaluate(misplaced);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anyMatch(line -> line.contains("io.keygate.backend.AttestationHeaders"));
  }

  @Test
  void thePayloadCodecRule_fails_forAGatewayClassThatUsesTheSdksCodec() {
    JavaClasses misplaced =
        new ClassFileImporter().importClasses(DataPlaneUsingTheSdksPayloadCodec.class);

    EvaluationResult result =
        ModuleMap.THE_GATEWAY_CODES_PAYLOADS_WITHOUT_THE_SDKS_CODE.evaluate(misplaced);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anyMatch(line -> line.contains("io.keygate.client.payload.PayloadEnvelope"));
  }

  @Test
  void theRedisRule_fails_forAClassOutsideTheStoreThatCallsRedis() {
    JavaClasses misplaced = new ClassFileImporter().importClasses(DataPlaneCallingRedis.class);

    EvaluationResult result = ModuleMap.ONLY_THE_STORE_TOUCHES_REDIS.evaluate(misplaced);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anyMatch(line -> line.contains("redis.clients.jedis.UnifiedJedis"));
  }
}
