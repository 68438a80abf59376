package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node on two event loops serves each client connection on one loop, and that loop's own
 * connection to the backend carries the connection's calls, signed ones included (their check
 * runs on the HSM lane, and the backend leg goes back to the client's loop). Seen from the
 * backend: all calls of one client connection arrive over one gateway connection, and two client
 * connections served on different loops arrive over different ones.
 */
class LoopAffinityEndToEndTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;
  /** Each Echo the backend saw: its message and the gateway's end of the connection it came on. */
  static final LinkedBlockingQueue<Map.Entry<String, SocketAddress>> arrivals =
      new LinkedBlockingQueue<>();

  @BeforeAll
  static void startGateway() throws Exception {
    ServerInterceptor recordConnection = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SocketAddress from = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return new SimpleForwardingServerCallListener<Q>(next.startCall(call, headers)) {
          @Override
          public void onMessage(Q message) {
            if (message instanceof EchoRequest request) {
              arrivals.add(Map.entry(request.getMessage(), from));
            }
            super.onMessage(message);
          }
        };
      }
    };
    gw = new GatewayFixture(tokens)
        .withSettings(s -> s.withCallLimits(s.calls().withEventLoops(2)))
        .withBackendServices(f -> service -> ServerInterceptors.intercept(service, recordConnection))
        .start("gateway", List.of());
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void eachClientConnectionsSignedCalls_reachTheBackendOverTheConnectionOfItsLoop()
      throws Exception {
    // Two channels, two TLS connections, opened one after the other: the node's acceptor hands
    // them to its two loops in turn.
    Channel first = gw.signedChannel(gw.acmeKey);
    Channel second = gw.signedChannel(gw.acmeKey);
    int calls = 8;
    // One connection's calls in a row, then the other's: calls spread over the backend's
    // connections in turn (what a forward from the lane without the client's loop would do)
    // would put each connection's calls on both.
    for (int i = 0; i < calls; i++) {
      echo(first, "first-" + i);
    }
    for (int i = 0; i < calls; i++) {
      echo(second, "second-" + i);
    }

    Map<String, Set<SocketAddress>> connectionsOf = new HashMap<>();
    for (int i = 0; i < 2 * calls; i++) {
      Map.Entry<String, SocketAddress> arrival = arrivals.poll(10, TimeUnit.SECONDS);
      assertThat(arrival).as("every call reached the backend").isNotNull();
      String client = arrival.getKey().substring(0, arrival.getKey().indexOf('-'));
      connectionsOf.computeIfAbsent(client, c -> new HashSet<>()).add(arrival.getValue());
    }
    assertThat(connectionsOf.get("first")).as("the first connection's calls").hasSize(1);
    assertThat(connectionsOf.get("second")).as("the second connection's calls").hasSize(1);
    assertThat(connectionsOf.get("first"))
        .as("two loops, two connections to the backend")
        .doesNotContainAnyElementsOf(connectionsOf.get("second"));
  }

  private static void echo(Channel channel, String message) {
    String answer = EchoServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage(message).build())
        .getMessage();
    assertThat(answer).isEqualTo(message);
  }
}
