package io.keygate.gateway.e2e;

import static io.keygate.gateway.e2e.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fail closed: when the HSM's storage vanishes under a running gateway, signed calls are refused
 * with UNAVAILABLE (HsmUnavailable), never let through and never answered as a bad signature.
 */
class HsmFaultEndToEndTest extends GatewayEndToEnd {
  private static final EchoRequest HI = EchoRequest.newBuilder().setMessage("hi").build();

  @Test
  void tokenStorageLost_signedCallsAreRefusedUnavailable() throws Exception {
    // Connect (TLS handshake, signed by the HSM) while the token is healthy.
    Channel acme = gw.signedChannel(gw.acmeKey);
    assertThat(EchoServiceGrpc.newBlockingStub(acme).withDeadlineAfter(10, TimeUnit.SECONDS).echo(HI).getMessage())
        .isEqualTo("hi");

    try (Stream<Path> walk = Files.walk(tokens.tokenStorage())) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(tokens.tokenStorage())) {
          Files.delete(p);
        }
      }
    }

    for (int i = 0; i < 3; i++) {
      assertRefused(
          () -> EchoServiceGrpc.newBlockingStub(acme).withDeadlineAfter(10, TimeUnit.SECONDS).echo(HI),
          GatewayError.HSM_UNAVAILABLE);
    }
    assertThat(gw.hsm.health().isUp()).isFalse();
  }
}
