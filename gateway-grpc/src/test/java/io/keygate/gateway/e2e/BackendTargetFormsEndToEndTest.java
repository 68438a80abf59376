package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.keygate.demo.backend.EchoBackend;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.InvalidValueException;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A signed call reaches a backend addressed in each form the store accepts: host:port (an IPv4
 * literal), dns:///host:port (a name resolved by DNS), [::1]:port (an IPv6 literal) and
 * list:///a,b (several instances). Each form
 * points at its own Echo backend on loopback, so the answer says which one was dialled.
 */
class BackendTargetFormsEndToEndTest extends GatewayEndToEnd {
  private static final List<Server> backends = new ArrayList<>();

  @AfterAll
  static void stopBackends() throws Exception {
    for (Server s : backends) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void hostPort_anIpv4Literal() throws Exception {
    Server backend = echoBackend("127.0.0.1", "ipv4-backend");

    route("127.0.0.1:" + backend.getPort());

    assertThat(echo("over ipv4").getBackend()).isEqualTo("ipv4-backend");
  }

  @Test
  void dnsScheme_aNameResolvedByDns() throws Exception {
    Server backend = echoBackend("127.0.0.1", "dns-backend");

    route("dns:///localhost:" + backend.getPort());

    assertThat(echo("over dns").getBackend()).isEqualTo("dns-backend");
  }

  @Test
  void bracketedIpv6Literal() throws Exception {
    Server backend = echoBackend("::1", "ipv6-backend");

    route("[::1]:" + backend.getPort());

    assertThat(echo("over ipv6").getBackend()).isEqualTo("ipv6-backend");
  }

  @Test
  void listScheme_callsAreSharedByItsInstances() throws Exception {
    Server first = echoBackend("127.0.0.1", "list-1");
    Server second = echoBackend("127.0.0.2", "list-2");

    route("list:///127.0.0.1:" + first.getPort() + ",127.0.0.2:" + second.getPort());

    java.util.Set<String> answered = new java.util.HashSet<>();
    for (int i = 0; i < 10; i++) {
      answered.add(echo("over a list " + i).getBackend());
    }
    assertThat(answered).as("round_robin: both instances answer").containsExactlyInAnyOrder(
        "list-1", "list-2");
  }

  @Test
  void aTargetThatCannotBeDialled_isRefusedByTheStore_andCallsKeepTheirBackend()
      throws Exception {
    Server backend = echoBackend("127.0.0.1", "kept-backend");
    route("127.0.0.1:" + backend.getPort());

    for (String bad : List.of("dns://8.8.8.8/localhost:80", "unix:/tmp/b.sock", "localhost",
        "list:///127.0.0.1:80,", "list:///localhost:80", "list:///127.0.0.1:80,127.0.0.1:80")) {
      assertThatThrownBy(() -> gw.store.updateApi(echoApi(bad)))
          .as(bad)
          .isInstanceOf(InvalidValueException.class);
    }
    gw.gateway.refreshConfiguration();

    assertThat(echo("still here").getBackend()).isEqualTo("kept-backend");
  }

  private static Server echoBackend(String host, String name) throws Exception {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, 0))
        .addService(new EchoBackend(name))
        .build()
        .start();
    backends.add(server);
    return server;
  }

  /** Points the acme Echo API at {@code target}, as an operator would. */
  private static void route(String target) throws Exception {
    gw.store.allowBackend(new io.keygate.gateway.model.BackendAllowance("acme", target, false));
    gw.store.updateApi(echoApi(target));
    gw.gateway.refreshConfiguration();
  }

  private static ApiDefinition echoApi(String target) {
    return new ApiDefinition(
        "api-echo", "acme", DemoTenants.ACME_DOMAIN, GatewayFixture.ECHO, target, AuthMode.SIGNATURE);
  }

  private static EchoResponse echo(String message) throws Exception {
    return EchoServiceGrpc.newBlockingStub(gw.signedChannel(gw.acmeKey))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage(message).build());
  }
}
