package io.keygate.gateway.e2e;

import static io.keygate.gateway.e2e.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An API's own pre-authentication limit: a tenant can make the first message an anonymous caller
 * may send to its API smaller than the node's limit (64 KiB), and the gateway holds it to that.
 */
class ApiPreAuthLimitEndToEndTest extends GatewayEndToEnd {
  private static final int API_LIMIT = 1024;

  @Test
  void aFirstMessageOverTheApisOwnLimit_isRefused_underItIsServed() throws Exception {
    String target = "127.0.0.1:" + gw.acmeBackend.getPort();
    gw.store.updateApi(new ApiDefinition("api-echo", "acme", DemoTenants.ACME_DOMAIN,
        GatewayFixture.ECHO, target, AuthMode.SIGNATURE, API_LIMIT));
    gw.gateway.refreshConfiguration();
    Channel acme = gw.signedChannel(gw.acmeKey);
    try {
      // 4 KiB: well under the node's limit, over the API's.
      assertRefused(() -> echo(acme, 4096), GatewayError.PREAUTH_MESSAGE_TOO_LARGE);
      assertThat(echo(acme, API_LIMIT / 2)).isEqualTo(API_LIMIT / 2);
    } finally {
      gw.store.updateApi(new ApiDefinition("api-echo", "acme", DemoTenants.ACME_DOMAIN,
          GatewayFixture.ECHO, target, AuthMode.SIGNATURE));
      gw.gateway.refreshConfiguration();
    }
    // Back on the node's limit, the same 4 KiB message passes.
    assertThat(echo(acme, 4096)).isEqualTo(4096);
  }

  private static int echo(Channel channel, int payloadBytes) {
    EchoRequest request = EchoRequest.newBuilder()
        .setPayload(ByteString.copyFrom(new byte[payloadBytes]))
        .build();
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(request).getPayload().size();
  }
}
