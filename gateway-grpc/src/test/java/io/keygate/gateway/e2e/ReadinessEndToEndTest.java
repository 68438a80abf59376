package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.keygate.gateway.dataplane.ServingHealth;
import io.keygate.gateway.store.redis.TestRedis;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node whose nonces are in a private Redis: when Redis dies the node says it cannot serve
 * (gRPC health NOT_SERVING, readiness NOT_SERVING, {@code /readyz} 503) while it stays alive
 * (liveness SERVING, {@code /healthz} 200), and says it can again once Redis is back. Waits by
 * polling the status with a deadline, never by sleeping a guessed time.
 */
class ReadinessEndToEndTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static TestRedis redis;
  static GatewayFixture gw;
  static io.grpc.Channel channel;

  @BeforeAll
  static void startGateway() throws Exception {
    redis = TestRedis.start();
    gw = new GatewayFixture(tokens)
        .withSettings(s -> s.withRedisNonces(redis.settings()))
        .withBuilder(b -> b.prometheusEndpoint(new InetSocketAddress("127.0.0.1", 0)))
        .start("gateway", List.of());
    channel = gw.channel();
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void redisDown_makesTheNodeNotReady_butAlive_andRedisBack_makesItReadyAgain() throws Exception {
    awaitReadiness(ServingStatus.SERVING);
    assertThat(status(ServingHealth.LIVENESS)).isEqualTo(ServingStatus.SERVING);
    assertThat(http("/readyz")).isEqualTo(200);
    assertThat(http("/healthz")).isEqualTo(200);

    redis.kill();
    awaitReadiness(ServingStatus.NOT_SERVING);
    assertThat(http("/readyz")).isEqualTo(503);
    assertThat(status(ServingHealth.LIVENESS)).isEqualTo(ServingStatus.SERVING);
    assertThat(http("/healthz")).isEqualTo(200);

    redis.restart();
    awaitReadiness(ServingStatus.SERVING);
    assertThat(http("/readyz")).isEqualTo(200);
  }

  private static ServingStatus status(String service) throws Exception {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private static int http(String path) throws Exception {
    return MetricsScrape.get(gw.gateway.metricsPort().getAsInt(), path).statusCode();
  }

  /**
   * Polls until the overall status ("") and readiness both are {@code expected}; the probe runs
   * every 5 s (and "" is SERVING before the first one, readiness NOT_SERVING).
   */
  private static void awaitReadiness(ServingStatus expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (status("") != expected || status(ServingHealth.READINESS) != expected) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("health did not turn " + expected + " within 30 s: \"\" "
            + status("") + ", readiness " + status(ServingHealth.READINESS));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }
}
