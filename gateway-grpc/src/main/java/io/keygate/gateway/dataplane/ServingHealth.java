package io.keygate.gateway.dataplane;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.keygate.hsm.TokenHealth;
import java.time.Duration;

/**
 * Keeps the data plane's gRPC health status true: SERVING only while the HSM answers a probe and
 * the configuration is fresh. The node runs it on a scheduler of its own, so a slow or hung HSM
 * probe never delays configuration polling or control-plane housekeeping.
 */
public final class ServingHealth implements Runnable {
  private final HealthStatusManager health;
  private final TokenHealth hsm;
  private final ConfigView config;
  private final Duration maxConfigStaleness;

  public ServingHealth(
      HealthStatusManager health, TokenHealth hsm, ConfigView config, Duration maxConfigStaleness) {
    this.health = health;
    this.hsm = hsm;
    this.config = config;
    this.maxConfigStaleness = maxConfigStaleness;
  }

  @Override
  public void run() {
    boolean serving = hsm.probe().isUp() && !config.isStale(maxConfigStaleness);
    health.setStatus("", serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }
}
