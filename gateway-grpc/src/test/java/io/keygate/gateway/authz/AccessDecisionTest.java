package io.keygate.gateway.authz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The data plane lets a call through on {@link AccessDecision#allowed()} alone. */
class AccessDecisionTest {

  @Test
  void onlyTheThreeAllowedDecisions_allow_andEachDenialHasItsCode() {
    EnumSet<AccessDecision> allowed = EnumSet.of(
        AccessDecision.ALLOWED_PUBLIC, AccessDecision.ALLOWED_BY_GRANT, AccessDecision.ALLOWED_BY_AUTHORIZATION);
    for (AccessDecision d : AccessDecision.values()) {
      assertThat(d.allowed()).as(d.name()).isEqualTo(allowed.contains(d));
      if (d.allowed()) {
        assertThat(d.code()).as(d.name()).isNull();
      } else {
        assertThat(d.code()).as(d.name()).isNotBlank();
      }
    }
    assertThat(AccessDecision.DENIED_NOT_GRANTED.code()).isEqualTo("ApiNotGranted");
    assertThat(AccessDecision.DENIED_CROSS_TENANT.code()).isEqualTo("CrossTenantNotAuthorized");
    assertThat(AccessDecision.DENIED_AUTHORIZATION_EXPIRED.code()).isEqualTo("AuthorizationExpired");
    assertThat(AccessDecision.DENIED_UNKNOWN_APP.code()).isEqualTo("UnknownApp");
  }
}
