package io.keygate.gateway.metrics;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.keygate.gateway.auth.MacVerifier;
import io.keygate.gateway.model.Credential;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.InvalidMacException;

/**
 * Times the HSM's MAC check of signed calls, on the gateway's side of the {@link MacVerifier}
 * interface (hsm-adapter knows nothing of metrics): every check, the ones that found a mismatch
 * (a verdict on the request, not a fault), and the ones the token could not compute (a fault).
 */
final class TimedMacVerifier implements MacVerifier {
  static final String LATENCY = "keygate.hsm.verify.latency";
  static final String ERRORS = "keygate.hsm.verify.errors";
  static final String MISMATCHES = "keygate.hsm.verify.mismatches";

  private final MacVerifier delegate;
  private final Timer latency;
  private final Meter errors;
  private final Meter mismatches;

  TimedMacVerifier(MacVerifier delegate, MetricRegistry registry) {
    this.delegate = delegate;
    this.latency = registry.timer(LATENCY, NodeMetrics::newTimer);
    this.errors = registry.meter(ERRORS);
    this.mismatches = registry.meter(MISMATCHES);
  }

  @Override
  public void verify(Credential credential, byte[] data, byte[] mac)
      throws InvalidMacException, HsmException {
    Timer.Context timing = latency.time();
    try {
      delegate.verify(credential, data, mac);
    } catch (InvalidMacException e) {
      mismatches.mark();
      throw e;
    } catch (HsmException | RuntimeException e) {
      errors.mark();
      throw e;
    } finally {
      timing.stop();
    }
  }
}
