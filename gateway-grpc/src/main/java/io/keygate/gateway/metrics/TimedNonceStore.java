package io.keygate.gateway.metrics;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.keygate.gateway.auth.NonceStore;
import io.keygate.gateway.auth.NonceStoreUnavailableException;
import java.time.Instant;

/**
 * Times the nonce store (in process or Redis) behind its interface: every record, the replays it
 * found, and the times it could not answer (signed calls failed closed).
 */
final class TimedNonceStore implements NonceStore {
  static final String LATENCY = "keygate.nonces.record.latency";
  static final String ERRORS = "keygate.nonces.errors";
  static final String REPLAYS = "keygate.nonces.replays";

  private final NonceStore delegate;
  private final Timer latency;
  private final Meter errors;
  private final Meter replays;

  TimedNonceStore(NonceStore delegate, MetricRegistry registry) {
    this.delegate = delegate;
    this.latency = registry.timer(LATENCY, NodeMetrics::newTimer);
    this.errors = registry.meter(ERRORS);
    this.replays = registry.meter(REPLAYS);
  }

  @Override
  public boolean recordIfFirstSeen(
      String tenantId, String accessKey, String nonce, Instant expiresAt)
      throws NonceStoreUnavailableException {
    Timer.Context timing = latency.time();
    try {
      boolean first = delegate.recordIfFirstSeen(tenantId, accessKey, nonce, expiresAt);
      if (!first) {
        replays.mark();
      }
      return first;
    } catch (NonceStoreUnavailableException | RuntimeException e) {
      errors.mark();
      throw e;
    } finally {
      timing.stop();
    }
  }

  @Override
  public void probe() throws NonceStoreUnavailableException {
    delegate.probe();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
