package io.keygate.gateway.e2e;

import static io.keygate.gateway.e2e.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.Status;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential.InClear;
import io.keygate.gateway.dataplane.DataPlaneLoad;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The nonce store's room is shared per tenant as well as per AccessKey: a tenant that floods with
 * valid calls over many keys fills its own share, and every other tenant keeps its room.
 */
class TenantNonceShareEndToEndTest {
  private static final int PER_KEY = 3;
  private static final int PER_TENANT = 5;

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;

  @BeforeAll
  static void startGateway() throws Exception {
    gw = new GatewayFixture(tokens)
        .withSettings(s -> s.withNonceShare(PER_KEY).withTenantNonceShare(PER_TENANT))
        .start("gateway", List.of());
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void aTenantFillingItsShareOverManyKeys_isRefused_whileAnotherTenantIsServed()
      throws Exception {
    Channel first = gw.signedChannel(freshAcmeKey());
    for (int i = 0; i < PER_KEY; i++) {
      echo(first);
    }
    Channel second = gw.signedChannel(freshAcmeKey());
    for (int i = PER_KEY; i < PER_TENANT; i++) {
      echo(second);
    }

    // The second key holds fewer than its own share: the tenant's is what is full.
    assertRefused(() -> echo(second), GatewayError.NONCE_STORE_UNAVAILABLE);
    Channel third = gw.signedChannel(freshAcmeKey());
    assertRefused(() -> echo(third), GatewayError.NONCE_STORE_UNAVAILABLE);

    byte[] body = EchoRequest.newBuilder().setMessage("globex").build().toByteArray();
    String globex = DemoTenants.GLOBEX_DOMAIN;
    var headers = RawCalls.signed(gw.globexKey.accessKey(), gw.globexKey.secret().unsafeCopy(),
        Clock.systemUTC(), "/" + GatewayFixture.CHAT, globex + ":" + gw.gateway.port(), body);
    assertThat(RawCalls.start(gw.channel(globex), GatewayFixture.CHAT, RawCalls.metadata(headers),
            RawCalls.deadline(10), true, body).get(20, TimeUnit.SECONDS))
        .as("another tenant is served")
        .isEqualTo(new RawCalls.Ended(Status.Code.OK, null));

    // The refused calls had taken a place among their key's open calls: given back.
    try (LoadWatch load = new LoadWatch(gw.gateway::dataPlaneLoad)) {
      load.untilIdle();
      assertThat(gw.gateway.dataPlaneLoad()).isEqualTo(new DataPlaneLoad(0, 0, 0, 0));
    }
  }

  private static void echo(Channel channel) {
    EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage("flood").build());
  }

  private static InClear freshAcmeKey() throws Exception {
    InClear c =
        new CredentialIssuer(gw.hsm, gw.store, new SecureRandom()).issue("acme", "acme-app", null);
    gw.gateway.refreshConfiguration();
    return c;
  }
}
