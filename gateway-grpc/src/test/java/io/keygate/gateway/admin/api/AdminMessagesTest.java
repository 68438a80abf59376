package io.keygate.gateway.admin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import io.keygate.proto.admin.v1.CreateAuthorizationRequest;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Mapping admin requests to the domain: what a caller may not ask for is INVALID_ARGUMENT. */
class AdminMessagesTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  private static CreateAuthorizationRequest.Builder request() {
    return CreateAuthorizationRequest.newBuilder()
        .setId("auth-1").setGrantorTenantId("acme").setGranteeAppId("app-1").addApiIds("api-1");
  }

  // Found by fuzzing (AdminMessagesFuzzTestInputs/requestMapping/crash-expiry-less-than-a-millisecond-ahead):
  // 500 ns ahead passed the "in the future" check, then was stored truncated to milliseconds,
  // i.e. as an authorization that had expired when it was created.
  @Test
  void authorization_refusesAnExpiryLessThanAMillisecondAhead() {
    CreateAuthorizationRequest req = request()
        .setExpiresAt(AdminMessages.timestamp(NOW.plusNanos(500_000))).build();

    assertThatThrownBy(() -> AdminMessages.authorization(req, NOW))
        .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.error()).isEqualTo(AdminError.INVALID_ARGUMENT));
  }

  @Test
  void authorization_storesWhatItChecked_oneMillisecondAhead() throws Exception {
    CreateAuthorizationRequest req = request().setValidFor(Duration.newBuilder().setNanos(1_000_999)).build();

    assertThat(AdminMessages.authorization(req, NOW).expiresAt()).isEqualTo(NOW.plusMillis(1));
    assertThat(AdminMessages.authorization(req, NOW).liveAt(NOW)).isTrue();
  }

  // Found by fuzzing (crash-expiry-beyond-the-instant-range): seconds past Instant.MAX threw a
  // DateTimeException, which AdminErrors answers as INTERNAL, a bug of ours.
  @Test
  void authorization_refusesAnExpiryOrDurationOutOfRange() {
    for (CreateAuthorizationRequest req : new CreateAuthorizationRequest[] {
        request().setExpiresAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build(),
        request().setExpiresAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(Long.MIN_VALUE)).build(),
        request().setValidFor(Duration.newBuilder().setSeconds(Long.MAX_VALUE)).build(),
        request().setValidFor(Duration.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(999_999_999)).build(),
    }) {
      assertThatThrownBy(() -> AdminMessages.authorization(req, NOW))
          .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.error()).isEqualTo(AdminError.INVALID_ARGUMENT));
    }
  }
}
