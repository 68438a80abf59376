package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Channel;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.grpc.stub.StreamObserver;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node's Prometheus endpoint as a scraper sees it: a real node, real signed calls, a plain
 * HTTP GET of /metrics on the endpoint's own port.
 */
class MetricsEndToEndTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;

  @BeforeAll
  static void startGateway() throws Exception {
    gw = new GatewayFixture(tokens)
        .withBuilder(b -> b.prometheusEndpoint(new InetSocketAddress("127.0.0.1", 0)))
        .start("gateway", List.of());
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void aScrape_countsAuthenticatedCallsAndRefusalsByCode_andNamesNoCaller() throws Exception {
    Map<String, Double> before = scrape().values;
    gw.refusals.clear();

    echo(gw.signedChannel(gw.acmeKey));
    // acme's key on globex's chat API: refused before the backend, reported to the observers
    Channel acmeOnGlobex = gw.signedChannel(gw.acmeKey, DemoTenants.GLOBEX_DOMAIN);
    CompletableFuture<EchoResponse> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> out = EchoServiceGrpc.newStub(acmeOnGlobex)
        .withDeadlineAfter(10, TimeUnit.SECONDS).chat(new StreamObserver<>() {
          @Override
          public void onNext(EchoResponse r) {}

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
    out.onNext(EchoRequest.newBuilder().setMessage("x").build());
    out.onCompleted();
    catchThrowable(() -> done.get(10, TimeUnit.SECONDS));
    String reported = gw.refusals.poll(10, TimeUnit.SECONDS); // after the metrics saw it
    assertThat(reported).isNotNull();
    String code = reported.substring(reported.lastIndexOf(' ') + 1);

    Scrape after = scrape();
    assertThat(after.delta(before, "keygate_calls_authenticated_total")).isEqualTo(1.0);
    assertThat(after.delta(before, "keygate_calls_refused_total{code=\"" + code + "\"}"))
        .isEqualTo(1.0);
    assertThat(after.values.get("keygate_config_version")).isGreaterThan(0.0);
    assertThat(after.values.get("keygate_config_credentials")).isGreaterThanOrEqualTo(2.0);
    assertThat(after.values.get("keygate_config_staleness_seconds")).isBetween(0.0, 60.0);
    assertThat(after.values).containsKeys("keygate_calls_open", "keygate_calls_unauthenticated",
        "keygate_hsm_lane_waiting", "keygate_config_loads_full",
        "keygate_config_loads_incremental", "keygate_config_poll_failures");
    // Every stable code is there from the start (at 0), none made by a caller.
    assertThat(after.values.keySet().stream()
        .filter(k -> k.startsWith("keygate_calls_refused_total{")).count())
        .isEqualTo(io.keygate.gateway.errors.GatewayError.values().length);
    // How busy the node is, never who called.
    assertThat(after.body).doesNotContain(gw.acmeKey.accessKey()).doesNotContain("acme-app")
        .doesNotContain("globex");
  }

  @Test
  void onlyGetOfMetrics_andTheDataPlaneIsNotOnThatPort() throws Exception {
    HttpResponse<String> root = get("/");
    assertThat(root.statusCode()).isEqualTo(200); // the exporter's own index
    assertThat(gw.gateway.metricsPort().getAsInt()).isNotEqualTo(gw.gateway.port());
  }

  private static void echo(Channel channel) {
    EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage("metrics").build());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return http.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + gw.gateway.metricsPort().getAsInt() + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Scrape scrape() throws Exception {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Double> values = new HashMap<>();
    for (String line : r.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      // (this exporter writes a comma after the last label: {code="X",})
      values.put(line.substring(0, space).replace(",}", "}"),
          Double.parseDouble(line.substring(space + 1)));
    }
    return new Scrape(r.body(), values);
  }

  private record Scrape(String body, Map<String, Double> values) {
    double delta(Map<String, Double> before, String name) {
      assertThat(values).containsKey(name);
      return values.get(name) - before.getOrDefault(name, 0.0);
    }
  }
}
