package io.keygate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.SignatureRequirement;
import io.keygate.gateway.model.SignatureRequirements;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants' and APIs' signature requirements over a real database (H2, MariaDB, PostgreSQL;
 * migration V15): the stricter of the two is in force, each write reaches the nodes through the
 * change feed, rows go with their API, and a write naming nothing is refused and is no version.
 */
abstract class SignatureRequirementStoreContract {
  static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");

  abstract TestDatabase createDatabase(Path dir) throws Exception;

  private TestDatabase testDb;
  private ConfigDatabase db;
  private ConfigStore config;
  private SignatureRequirementStore requirements;
  private ApiDefinition echo;

  @BeforeEach
  void open(@TempDir Path dir) throws Exception {
    testDb = createDatabase(dir);
    db = ConfigDatabase.open(testDb.settings());
    config = db.store(Clock.fixed(T0, ZoneOffset.UTC));
    requirements = db.signatureRequirements();
    config.createTenant(new Tenant("acme", "ACME"));
    config.createTenant(new Tenant("globex", "Globex"));
    config.allowDomain(new DomainAllowance("acme", "acme.example"));
    config.allowBackend(new BackendAllowance("acme", "backend:50051", false));
    echo = new ApiDefinition("echo", "acme", "acme.example", "demo.Echo/Say", "backend:50051",
        AuthMode.SIGNATURE);
    config.registerApi(echo);
  }

  @AfterEach
  void close() {
    db.close();
    testDb.close();
  }

  @Test
  void nothingRequired_untilSet_thenTheStricterOfTenantAndApi() throws Exception {
    assertThat(requirements.all()).isEqualTo(SignatureRequirements.NONE);
    requirements.setApiRequirement("echo", SignatureRequirement.V2, T0);
    assertThat(requirements.all().inForce(echo)).isEqualTo(SignatureRequirement.V2);
    requirements.setApiRequirement("echo", SignatureRequirement.V1_OR_V2, T0);
    assertThat(requirements.all()).isEqualTo(SignatureRequirements.NONE);

    requirements.setTenantDefault("acme", SignatureRequirement.V2, T0);
    assertThat(requirements.all().inForce(echo)).as("the tenant's floor")
        .isEqualTo(SignatureRequirement.V2);
    assertThat(requirements.all().tenantDefaults())
        .isEqualTo(Map.of("acme", SignatureRequirement.V2));
  }

  @Test
  void naming_anUnknownApiOrTenant_isRefused_andIsNoVersion() throws Exception {
    long version = config.loadSnapshot().version();
    assertThatThrownBy(() -> requirements.setApiRequirement("nope", SignatureRequirement.V2, T0))
        .isInstanceOf(StoreNotFoundException.class);
    assertThatThrownBy(() -> requirements.setTenantDefault("nope", SignatureRequirement.V2, T0))
        .isInstanceOf(StoreNotFoundException.class);
    assertThat(config.loadSnapshot().version()).isEqualTo(version);
    assertThat(requirements.all()).isEqualTo(SignatureRequirements.NONE);
  }

  @Test
  void everyWrite_reachesTheNodes_throughTheChangeFeed_andAWholeSnapshotAgrees()
      throws Exception {
    ConfigSnapshot before = config.loadSnapshot();
    assertThat(before.signatureRequirement(echo)).isEqualTo(SignatureRequirement.V1_OR_V2);

    requirements.setApiRequirement("echo", SignatureRequirement.V2, T0);
    requirements.setTenantDefault("globex", SignatureRequirement.V2, T0);

    ConfigDelta delta = config.changesSince(before.version()).orElseThrow();
    assertThat(delta.toVersion()).isEqualTo(before.version() + 2);
    ConfigSnapshot followed = before.apply(delta);
    assertThat(followed.signatureRequirement(echo)).isEqualTo(SignatureRequirement.V2);
    assertThat(followed.signatureRequirements())
        .isEqualTo(config.loadSnapshot().signatureRequirements());

    config.removeApi("acme", "echo");
    ConfigSnapshot after = followed.apply(config.changesSince(followed.version()).orElseThrow());
    assertThat(after.signatureRequirements().apiRequirements()).as("rows go with their API")
        .isEmpty();
    config.registerApi(echo);
    assertThat(requirements.all().inForce(echo)).as("a new API of that id starts at the default")
        .isEqualTo(SignatureRequirement.V1_OR_V2);
  }
}
