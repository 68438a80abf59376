package io.keygate.gateway.admin.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.keygate.gateway.admin.access.AdminPrincipal;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.InvalidValueException;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.CreateAuthorizationRequest;
import io.keygate.proto.admin.v1.Principal;
import java.time.Instant;

/**
 * Any bytes a caller can put on the wire as an admin request, through the mapping from proto to
 * domain. A refusal must be an AdminException or an InvalidValueException (both INVALID_ARGUMENT
 * or a specific code); anything else reaches AdminErrors as INTERNAL, a bug. What is accepted
 * maps back to the same fields.
 */
class AdminMessagesFuzzTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  @FuzzTest(maxDuration = "30s")
  void requestMapping(FuzzedDataProvider data) throws InvalidProtocolBufferException {
    int which = data.consumeInt(0, 2);
    byte[] wire = data.consumeRemainingAsBytes();
    try {
      switch (which) {
        case 0 -> {
          Api api = Api.parseFrom(wire);
          ApiDefinition mapped = AdminMessages.api(api);
          assertThat(AdminMessages.api(mapped).getBackendTarget()).isEqualTo(api.getBackendTarget());
          assertThat(AdminMessages.api(mapped).getId()).isEqualTo(api.getId());
        }
        case 1 -> {
          CrossTenantAuthorization a = AdminMessages.authorization(CreateAuthorizationRequest.parseFrom(wire), NOW);
          assertThat(a.expiresAt()).isAfter(NOW);
          assertThat(a.revoked()).isFalse();
        }
        default -> {
          AdminPrincipal p = AdminMessages.principal(Principal.parseFrom(wire));
          assertThat(AdminMessages.principal(AdminMessages.principal(p))).isEqualTo(p);
        }
      }
    } catch (InvalidProtocolBufferException | AdminException | InvalidValueException refused) {
      // Not a message (the gRPC layer refuses it first) or the documented refusal.
    }
  }
}
