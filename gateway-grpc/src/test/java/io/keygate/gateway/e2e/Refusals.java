package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;

/** Asserts a call was refused the way a client would check it: status, code, fixed message. */
final class Refusals {
  private Refusals() {}

  static void assertRefused(Runnable call, GatewayError expected) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(e).as("the call must be refused with " + expected).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(expected.status());
    assertThat(e.getStatus().getDescription()).isEqualTo(expected.message());
    Metadata trailers = Status.trailersFromThrowable(e);
    assertThat(trailers).isNotNull();
    assertThat(trailers.get(ErrorReplies.ERROR_CODE)).isEqualTo(expected.code());
    assertThat(trailers.get(ErrorReplies.REQUEST_ID)).isNotBlank();
  }
}
