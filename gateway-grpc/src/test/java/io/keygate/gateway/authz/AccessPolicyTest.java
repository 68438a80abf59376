package io.keygate.gateway.authz;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.Tenant;
import io.keygate.hsm.KeyLabel;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private final AccessPolicy policy = new AccessPolicy(Clock.fixed(NOW, ZoneOffset.UTC));

  private final ApiDefinition acmeEcho = new ApiDefinition("api-1", "acme", "acme.example", "demo.Echo/Echo", "b:1", AuthMode.SIGNATURE);
  private final ApiDefinition acmeOther = new ApiDefinition("api-2", "acme", "acme.example", "demo.Echo/Other", "b:1", AuthMode.SIGNATURE);
  private final ApiDefinition acmePublic = new ApiDefinition("api-3", "acme", "acme.example", "demo.Echo/Public", "b:1", AuthMode.NONE);
  private final ApiDefinition globexChat = new ApiDefinition("api-9", "globex", "globex.example", "demo.Echo/Chat", "b:2", AuthMode.SIGNATURE);
  private final Credential acmeKey = credential("AK1", "acme-app", "acme");
  private final Credential globexKey = credential("AK2", "globex-app", "globex");

  private static Credential credential(String ak, String app, String tenant) {
    return new Credential(ak, app, tenant, KeyLabel.of("ak-" + ak), null, false, null);
  }

  private ConfigSnapshot snapshot(List<CrossTenantAuthorization> authorizations) {
    return new ConfigSnapshot(
        1,
        List.of(new Tenant("acme", "Acme"), new Tenant("globex", "Globex")),
        List.of(new App("acme-app", "acme", "a"), new App("globex-app", "globex", "g")),
        List.of(acmeEcho, acmeOther, acmePublic, globexChat),
        List.of(acmeKey, globexKey),
        List.of(new Grant("acme", "acme-app", "api-1")),
        authorizations);
  }

  @Test
  void decide_sameTenantNeedsAGrantForThatApi() {
    ConfigSnapshot s = snapshot(List.of());
    assertThat(policy.decide(acmeKey, acmeEcho, s)).isEqualTo(AccessDecision.ALLOWED_BY_GRANT);
    assertThat(policy.decide(acmeKey, acmeOther, s)).isEqualTo(AccessDecision.DENIED_NOT_GRANTED);
  }

  @Test
  void decide_anotherTenantsApiIsDeniedWithoutAnAuthorization() {
    assertThat(policy.decide(globexKey, acmeEcho, snapshot(List.of())))
        .isEqualTo(AccessDecision.DENIED_CROSS_TENANT);
    assertThat(policy.decide(acmeKey, globexChat, snapshot(List.of())))
        .isEqualTo(AccessDecision.DENIED_CROSS_TENANT);
  }

  @Test
  void decide_liveAuthorizationAllowsOnlyTheNamedApis() {
    var live = new CrossTenantAuthorization("z1", "acme", "globex-app", Set.of("api-1"), NOW.plusSeconds(60), false);
    ConfigSnapshot s = snapshot(List.of(live));
    assertThat(policy.decide(globexKey, acmeEcho, s)).isEqualTo(AccessDecision.ALLOWED_BY_AUTHORIZATION);
    assertThat(policy.decide(globexKey, acmeOther, s)).isEqualTo(AccessDecision.DENIED_CROSS_TENANT);
  }

  @Test
  void decide_expiredOrRevokedAuthorizationIsDeniedWithItsOwnCode() {
    var expired = new CrossTenantAuthorization("z1", "acme", "globex-app", Set.of("api-1"), NOW, false);
    assertThat(policy.decide(globexKey, acmeEcho, snapshot(List.of(expired))))
        .isEqualTo(AccessDecision.DENIED_AUTHORIZATION_EXPIRED);
    var revoked = new CrossTenantAuthorization("z2", "acme", "globex-app", Set.of("api-1"), NOW.plusSeconds(60), true);
    assertThat(policy.decide(globexKey, acmeEcho, snapshot(List.of(revoked))))
        .isEqualTo(AccessDecision.DENIED_AUTHORIZATION_EXPIRED);
  }

  @Test
  void decide_authorizationFromTheWrongGrantorDoesNotCount() {
    // globex cannot authorize access to acme's API.
    var forged = new CrossTenantAuthorization("z3", "globex", "globex-app", Set.of("api-1"), NOW.plusSeconds(60), false);
    assertThat(policy.decide(globexKey, acmeEcho, snapshot(List.of(forged))))
        .isEqualTo(AccessDecision.DENIED_CROSS_TENANT);
  }

  @Test
  void decide_publicApiNeedsNoCaller() {
    assertThat(policy.decide(null, acmePublic, snapshot(List.of()))).isEqualTo(AccessDecision.ALLOWED_PUBLIC);
  }

  @Test
  void decide_deletedAppIsDenied() {
    Credential orphan = credential("AK3", "gone-app", "acme");
    assertThat(policy.decide(orphan, acmeEcho, snapshot(List.of()))).isEqualTo(AccessDecision.DENIED_UNKNOWN_APP);
  }
}
