package io.keygate.gateway.dataplane;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.keygate.gateway.auth.NonceStore;
import io.keygate.gateway.auth.NonceStoreUnavailableException;
import io.keygate.hsm.TokenHealth;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Keeps the data plane's gRPC health status true: SERVING only while the HSM answers a probe, the
 * configuration is fresh and the nonce store answers its probe (a PING for Redis; the in-process
 * store always does). The node runs it on a scheduler of its own, so a slow or hung HSM probe
 * never delays configuration polling or control-plane housekeeping.
 *
 * <p>For an orchestrator, two more service names: {@value #READINESS} is the same status as the
 * overall one ("" ), {@value #LIVENESS} is SERVING for as long as the node runs (the health
 * service answers on the transport's event loops, so an answer at all says they run); both turn
 * NOT_SERVING for good when the listener stops. {@link #ready()} is the same readiness for the
 * metrics port's {@code /readyz}.
 */
public final class ServingHealth implements Runnable {
  public static final String LIVENESS = "keygate.liveness";
  public static final String READINESS = "keygate.readiness";
  private static final Logger LOG = System.getLogger("io.keygate.gateway.health");

  private final HealthStatusManager health;
  private final TokenHealth hsm;
  private final ConfigView config;
  private final Duration maxConfigStaleness;
  private final NonceStore nonces;
  private volatile boolean ready;

  public ServingHealth(HealthStatusManager health, TokenHealth hsm, ConfigView config,
      Duration maxConfigStaleness, NonceStore nonces) {
    this.health = health;
    this.hsm = hsm;
    this.config = config;
    this.maxConfigStaleness = maxConfigStaleness;
    this.nonces = nonces;
    health.setStatus(LIVENESS, ServingStatus.SERVING);
    health.setStatus(READINESS, ServingStatus.NOT_SERVING); // until the first probe says so
  }

  @Override
  public void run() {
    boolean hsmUp = hsm.probe().isUp();
    boolean fresh = !config.isStale(maxConfigStaleness);
    boolean noncesUp = noncesAnswer();
    boolean serving = hsmUp && fresh && noncesUp;
    if (serving != ready) {
      LOG.log(serving ? Level.INFO : Level.WARNING, "data plane " + (serving ? "SERVING"
          : "NOT_SERVING") + " (hsm " + (hsmUp ? "up" : "down") + ", configuration "
          + (fresh ? "fresh" : "stale") + ", nonce store " + (noncesUp ? "up" : "down") + ")");
    }
    // Readiness first: whoever sees the overall status change sees the same readiness.
    ready = serving;
    ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus(READINESS, status);
    health.setStatus("", status);
  }

  /** Whether the last probe found the node able to serve signed calls (readiness). */
  public boolean ready() {
    return ready;
  }

  private boolean noncesAnswer() {
    try {
      nonces.probe();
      return true;
    } catch (NonceStoreUnavailableException e) {
      return false;
    }
  }
}
