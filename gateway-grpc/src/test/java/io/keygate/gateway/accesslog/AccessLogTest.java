package io.keygate.gateway.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.Status;
import io.keygate.gateway.dataplane.EndedCall;
import io.keygate.gateway.errors.GatewayError;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The access log on its own, with a clock that stands still: what a line holds, that refusals are
 * bounded by their budget and summed up, that calls let in are always written, and that a full
 * queue drops (and counts) instead of blocking.
 */
class AccessLogTest {
  private static final Instant T0 = Instant.parse("2026-12-04T22:00:00.123Z");
  private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
  private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Test
  void aServedCall_isOneJsonLine_withEveryField() {
    try (AccessLog log = log(10, 100, Thread::new)) {
      log.ended(served("req-1"));
    }

    List<JsonObject> lines = lines();
    assertThat(lines).hasSize(1);
    JsonObject line = lines.get(0);
    assertThat(line.get("time").getAsString()).isEqualTo("2026-12-04T22:00:00.123Z");
    assertThat(line.get("requestId").getAsString()).isEqualTo("req-1");
    assertThat(line.get("tenant").getAsString()).isEqualTo("acme");
    assertThat(line.get("app").getAsString()).isEqualTo("acme-app");
    assertThat(line.get("api").getAsString()).isEqualTo("api-echo");
    assertThat(line.get("accessKey").getAsString()).isEqualTo("AK-public");
    assertThat(line.get("method").getAsString()).isEqualTo("keygate.demo.v1.EchoService/Echo");
    assertThat(line.get("admitted").getAsBoolean()).isTrue();
    assertThat(line.get("status").getAsString()).isEqualTo("OK");
    assertThat(line.get("errorCode").isJsonNull()).isTrue();
    assertThat(line.get("latencyMicros").getAsLong()).isEqualTo(1_234);
    assertThat(line.get("requestBytes").getAsLong()).isEqualTo(26);
    assertThat(line.get("responseBytes").getAsLong()).isEqualTo(40);
  }

  @Test
  void aRefusalOfAnUnknownMethod_namesNoCaller_andEscapesTheMethodItSent() {
    String hostile = "x\"}\n{\"forged\":true,\"m\":\"" + "y".repeat(5_000);
    try (AccessLog log = log(10, 100, Thread::new)) {
      log.ended(refused("req-2", hostile, GatewayError.UNKNOWN_API));
    }

    String text = text();
    assertThat(text.split("\n", -1)).hasSize(2); // one line, and the final newline
    JsonObject line = lines().get(0);
    assertThat(line.has("forged")).isFalse();
    assertThat(line.get("method").getAsString())
        .startsWith("x\"}\n{\"forged\"").endsWith(JsonText.CUT)
        .hasSize(AccessLogLine.MAX_VALUE_CHARS + JsonText.CUT.length());
    assertThat(line.get("tenant").isJsonNull()).isTrue();
    assertThat(line.get("api").isJsonNull()).isTrue();
    assertThat(line.get("status").getAsString()).isEqualTo("UNIMPLEMENTED");
    assertThat(line.get("errorCode").getAsString()).isEqualTo("UnknownApi");
    assertThat(line.get("admitted").getAsBoolean()).isFalse();
  }

  @Test
  void aRefusalFlood_writesOnlyItsBudget_andOneLineSummingUpTheRest_whileServedCallsAreAllWritten() {
    try (AccessLog log = log(10, 10_000, Thread::new)) {
      for (int i = 0; i < 1_000; i++) {
        log.ended(refused("flood-" + i, "no.such.v1.Service/Method", GatewayError.UNKNOWN_API));
        if (i % 100 == 0) {
          log.ended(served("served-" + i));
        }
      }
      assertThat(log.suppressed()).isEqualTo(990);
    }

    List<JsonObject> lines = lines();
    long refusals = lines.stream().filter(l -> l.has("admitted") && !l.get("admitted")
        .getAsBoolean()).count();
    long served = lines.stream().filter(l -> l.has("admitted") && l.get("admitted")
        .getAsBoolean()).count();
    long summed = lines.stream().filter(l -> l.has("event"))
        .peek(l -> assertThat(l.get("event").getAsString()).isEqualTo("refusalsSuppressed"))
        .mapToLong(l -> l.get("count").getAsLong()).sum();
    assertThat(refusals).isEqualTo(10);
    assertThat(served).isEqualTo(10);
    assertThat(summed).isEqualTo(990);
  }

  @Test
  void aFullQueue_dropsAndCountsLines_insteadOfBlockingTheCaller() throws Exception {
    CountDownLatch writerMayRun = new CountDownLatch(1);
    ThreadFactory heldWriter = job -> new Thread(() -> {
      try {
        writerMayRun.await();
      } catch (InterruptedException e) {
        return;
      }
      job.run();
    });
    AccessLog log = log(10, 5, heldWriter);
    try {
      for (int i = 0; i < 50; i++) {
        log.ended(served("served-" + i)); // returns at once although nobody writes
      }
      assertThat(log.queued()).isEqualTo(5);
      assertThat(log.dropped()).isEqualTo(45);
    } finally {
      writerMayRun.countDown();
      log.close();
    }
    assertThat(lines()).hasSize(5);
  }

  private AccessLog log(int refusalsPerSecond, int queueLines, ThreadFactory threads) {
    return new AccessLog(out, true, refusalsPerSecond, queueLines, clock, nanos::get, threads);
  }

  private String text() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private List<JsonObject> lines() {
    List<JsonObject> lines = new ArrayList<>();
    for (String line : text().split("\n")) {
      if (!line.isEmpty()) {
        lines.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }
    return lines;
  }

  private static EndedCall served(String requestId) {
    return new EndedCall(T0.toEpochMilli(), requestId, "keygate.demo.v1.EchoService/Echo",
        "api-echo", "acme", "acme-app", "AK-public", true, Status.Code.OK, null, 1_234_567, 26,
        40);
  }

  private static EndedCall refused(String requestId, String method, GatewayError error) {
    return new EndedCall(T0.toEpochMilli(), requestId, method, null, null, null, null, false,
        error.status(), error, 80_000, 0, 0);
  }
}
