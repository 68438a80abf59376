package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.Metadata;
import io.grpc.Status;
import io.keygate.gateway.accesslog.AccessLogSettings;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator sees of a real node: per-API calls and latencies on the metrics port, the HSM's
 * and the nonce store's timings, and the access log (one JSON line per call, no secret, a refusal
 * flood bounded). Calls on two APIs, one served and one refused, and one to a method no API has.
 */
class ObservabilityEndToEndTest {
  private static final String UNKNOWN = "keygate.probe.v1.NoSuchService/Anything";
  private static final String FLOOD = "keygate.flood.v1.NoSuchService/Flood";
  private static final int REFUSAL_LINES_PER_SECOND = 5;
  private static final byte[] BODY =
      EchoRequest.newBuilder().setMessage("observed").build().toByteArray();
  private static final Set<String> CONFIGURED_APIS =
      Set.of("api-echo", "api-stream", "api-collect", "api-chat");

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;
  static Path accessLog;
  static io.grpc.Channel acme;
  static io.grpc.Channel globex;

  @BeforeAll
  static void startGateway() throws Exception {
    accessLog = Files.createTempDirectory("keygate-access-").resolve("access.log");
    gw = new GatewayFixture(tokens)
        .withBuilder(b -> b.prometheusEndpoint(new InetSocketAddress("127.0.0.1", 0))
            .accessLog(AccessLogSettings.file(accessLog, REFUSAL_LINES_PER_SECOND)))
        .start("gateway", List.of());
    acme = gw.channel();
    globex = gw.channel(DemoTenants.GLOBEX_DOMAIN);
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void callsOnTwoApis_areCountedPerApiAndStatus_andTimed_andAnUnknownMethodMakesNoMetric()
      throws Exception {
    MetricsScrape before = MetricsScrape.of(port());

    assertThat(signedEcho().get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.Code.OK);
    assertThat(crossTenantChat().get(20, TimeUnit.SECONDS).status())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(unknownMethod(UNKNOWN).get(20, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(GatewayError.UNKNOWN_API));

    String echoOk = "keygate_api_calls_total{api=\"api-echo\",status=\"OK\"}";
    String chatDenied = "keygate_api_calls_total{api=\"api-chat\",status=\"PERMISSION_DENIED\"}";
    String unknownRefused = "keygate_calls_unrouted_total{code=\"UnknownApi\"}";
    MetricsScrape after = MetricsScrape.awaiting(port(), s -> s.delta(before, echoOk) >= 1
        && s.delta(before, chatDenied) >= 1 && s.delta(before, unknownRefused) >= 1);

    assertThat(after.delta(before, echoOk)).isEqualTo(1.0);
    assertThat(after.delta(before, chatDenied)).isEqualTo(1.0);
    assertThat(after.delta(before, unknownRefused)).isEqualTo(1.0);
    assertThat(after.delta(before, "keygate_api_latency_seconds_count{api=\"api-echo\"}"))
        .isEqualTo(1.0);
    assertThat(after.delta(before, "keygate_api_latency_seconds_count{api=\"api-chat\"}"))
        .isEqualTo(1.0);
    assertThat(after.values()).containsKey(
        "keygate_api_latency_seconds{quantile=\"0.99\",api=\"api-echo\"}");
    // Both signed calls were checked in the HSM; only the one let in recorded its nonce.
    assertThat(after.delta(before, "keygate_hsm_verify_latency_seconds_count")).isEqualTo(2.0);
    assertThat(after.delta(before, "keygate_nonces_record_latency_seconds_count")).isEqualTo(1.0);
    assertThat(after.values()).containsKeys("keygate_hsm_verify_errors_total",
        "keygate_hsm_verify_mismatches_total", "keygate_nonces_errors_total",
        "keygate_nonces_replays_total", "keygate_accesslog_dropped",
        "keygate_accesslog_suppressed", "keygate_accesslog_queued");
    // The unknown method made no metric: every per-API series names a configured API.
    assertThat(after.body()).doesNotContain("NoSuchService");
    assertThat(after.values().keySet().stream()
        .filter(k -> k.startsWith("keygate_api_"))
        .map(k -> k.replaceAll(".*api=\"([^\"]*)\".*", "$1")))
        .isNotEmpty().allMatch(CONFIGURED_APIS::contains);
  }

  @Test
  void theAccessLog_hasOneJsonLinePerCall_withItsFields_andNeverASignatureNonceOrSecret()
      throws Exception {
    Map<String, String> signed = signedHeaders(GatewayFixture.ECHO, DemoTenants.ACME_DOMAIN);
    int before = lines(l -> true).size();
    assertThat(RawCalls.start(acme, GatewayFixture.ECHO, RawCalls.metadata(signed),
        RawCalls.deadline(20), true, BODY).get(20, TimeUnit.SECONDS).status())
        .isEqualTo(Status.Code.OK);

    List<JsonObject> lines = awaitLines(all -> all.size() > before);
    JsonObject served = lines.get(lines.size() - 1);
    assertThat(served.get("requestId").getAsString()).isNotEmpty();
    assertThat(served.get("tenant").getAsString()).isEqualTo("acme");
    assertThat(served.get("app").getAsString()).isEqualTo("acme-app");
    assertThat(served.get("api").getAsString()).isEqualTo("api-echo");
    assertThat(served.get("accessKey").getAsString()).isEqualTo(gw.acmeKey.accessKey());
    assertThat(served.get("method").getAsString()).isEqualTo(GatewayFixture.ECHO);
    assertThat(served.get("status").getAsString()).isEqualTo("OK");
    assertThat(served.get("errorCode").isJsonNull()).isTrue();
    assertThat(served.get("admitted").getAsBoolean()).isTrue();
    assertThat(served.get("latencyMicros").getAsLong()).isPositive();
    assertThat(served.get("requestBytes").getAsLong()).isEqualTo(BODY.length);
    assertThat(served.get("responseBytes").getAsLong()).isPositive();

    byte[] secret = gw.acmeKey.secret().unsafeCopy();
    // Neither the access log nor the metrics hold the call's signature, nonce or the secret.
    for (String text : List.of(Files.readString(accessLog, StandardCharsets.UTF_8),
        MetricsScrape.of(port()).body())) {
      assertThat(text)
          .doesNotContain(signed.get("x-ca-signature"))
          .doesNotContain(signed.get("x-ca-nonce"))
          .doesNotContain(HexFormat.of().formatHex(secret))
          .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(secret))
          .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(secret))
          .doesNotContain("x-ca-");
    }
  }

  @Test
  void aRefusalFlood_isBoundedInTheAccessLog_andSummedUp_whileServedCallsAreStillLogged()
      throws Exception {
    int flood = 300;
    long started = System.nanoTime();
    List<CompletableFuture<RawCalls.Ended>> calls = new ArrayList<>();
    for (int i = 0; i < flood; i++) {
      calls.add(unknownMethod(FLOOD));
    }
    for (CompletableFuture<RawCalls.Ended> call : calls) {
      assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo(RawCalls.Ended.of(GatewayError.UNKNOWN_API));
    }
    Predicate<JsonObject> floodLine = l -> l.has("method") && l.get("method").getAsString()
        .equals(FLOOD);
    // Every refusal is either written or summed up in a summary line (one a second).
    List<JsonObject> lines = awaitLines(all -> all.stream().filter(floodLine).count()
        + summed(all) >= flood);
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;

    long written = lines.stream().filter(floodLine).count();
    assertThat(written).as("refusal lines within the budget over %d s", seconds)
        .isLessThanOrEqualTo(REFUSAL_LINES_PER_SECOND * (1 + seconds));
    assertThat(summed(lines)).isGreaterThanOrEqualTo(flood - written);
    assertThat(MetricsScrape.of(port()).value("keygate_accesslog_suppressed"))
        .isGreaterThanOrEqualTo(flood - written);

    long servedBefore = lines.stream().filter(l -> l.has("admitted")
        && l.get("admitted").getAsBoolean()).count();
    EchoServiceGrpc.newBlockingStub(io.grpc.ClientInterceptors.intercept(acme,
            io.keygate.client.SigningClientInterceptor.create(gw.acmeKey.accessKey(),
                io.keygate.client.AccessSecret.copyOf(gw.acmeKey.secret().unsafeCopy()))))
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage("after the flood").build());
    assertThat(awaitLines(all -> all.stream().filter(l -> l.has("admitted")
        && l.get("admitted").getAsBoolean()).count() > servedBefore)).isNotEmpty();
  }

  private static int port() {
    return gw.gateway.metricsPort().getAsInt();
  }

  private static Map<String, String> signedHeaders(String method, String domain) {
    return RawCalls.signed(gw.acmeKey.accessKey(), gw.acmeKey.secret().unsafeCopy(),
        Clock.systemUTC(), "/" + method, domain + ":" + gw.gateway.port(), BODY);
  }

  private static CompletableFuture<RawCalls.Ended> signedEcho() throws Exception {
    return RawCalls.start(acme, GatewayFixture.ECHO,
        RawCalls.metadata(signedHeaders(GatewayFixture.ECHO, DemoTenants.ACME_DOMAIN)),
        RawCalls.deadline(20), true, BODY);
  }

  /** acme's key on globex's Chat API: routed to api-chat, checked in the HSM, then refused. */
  private static CompletableFuture<RawCalls.Ended> crossTenantChat() throws Exception {
    return RawCalls.start(globex, GatewayFixture.CHAT,
        RawCalls.metadata(signedHeaders(GatewayFixture.CHAT, DemoTenants.GLOBEX_DOMAIN)),
        RawCalls.deadline(20), true, BODY);
  }

  private static CompletableFuture<RawCalls.Ended> unknownMethod(String method) throws Exception {
    return RawCalls.start(acme, method, new Metadata(), RawCalls.deadline(30), true, BODY);
  }

  private static long summed(List<JsonObject> lines) {
    return lines.stream().filter(l -> l.has("event"))
        .mapToLong(l -> l.get("count").getAsLong()).sum();
  }

  private static List<JsonObject> lines(Predicate<JsonObject> which) throws Exception {
    List<JsonObject> lines = new ArrayList<>();
    if (!Files.exists(accessLog)) {
      return lines;
    }
    String text = Files.readString(accessLog, StandardCharsets.UTF_8);
    // Only whole lines: the writer may be appending the next batch right now.
    for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      JsonObject parsed = JsonParser.parseString(line).getAsJsonObject(); // every line is JSON
      if (which.test(parsed)) {
        lines.add(parsed);
      }
    }
    return lines;
  }

  /** Reads the log until {@code until} holds of its lines, or 20 s passed (then asserts it). */
  private static List<JsonObject> awaitLines(Predicate<List<JsonObject>> until) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      List<JsonObject> lines = lines(l -> true);
      if (until.test(lines)) {
        return lines;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the access log did not show what was awaited within 20 s: "
            + lines.size() + " lines");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
