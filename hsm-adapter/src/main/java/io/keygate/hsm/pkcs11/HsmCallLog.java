package io.keygate.hsm.pkcs11;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.LoginFailedException;
import io.keygate.hsm.TokenUnavailableException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The one choke point every token call goes through: it times the call, translates provider
 * exceptions into typed {@link HsmException}s, updates the health status, and logs operation, key
 * label, result and latency. It never sees a PIN or key bytes, so it cannot log them.
 */
final class HsmCallLog {
  /** A call into the provider. */
  @FunctionalInterface
  interface Call<T> {
    T run() throws Exception;
  }

  private static final Logger LOG = System.getLogger("io.keygate.hsm.calls");
  private final String tokenName;
  private final HealthTracker health;

  HsmCallLog(String tokenName, HealthTracker health) {
    this.tokenName = tokenName;
    this.health = health;
  }

  <T> T call(String operation, KeyLabel label, Call<T> body) throws HsmException {
    long start = System.nanoTime();
    try {
      T result = body.run();
      health.up();
      log(Level.DEBUG, operation, label, "ok", start);
      return result;
    } catch (Exception | LinkageError e) {
      String what = label == null ? operation : operation + " " + label;
      HsmException typed = Pkcs11Failures.translate(what, e);
      String result =
          typed.pkcs11Error().orElse(typed.getClass().getSimpleName());
      if (typed instanceof TokenUnavailableException) {
        health.down(result);
        log(Level.WARNING, operation, label, result, start);
      } else {
        log(
            typed instanceof LoginFailedException ? Level.WARNING : Level.DEBUG,
            operation,
            label,
            result,
            start);
      }
      throw typed;
    }
  }

  private void log(Level level, String operation, KeyLabel label, String result, long start) {
    if (LOG.isLoggable(level)) {
      long micros = (System.nanoTime() - start) / 1_000;
      LOG.log(
          level,
          "hsm token={0} op={1} key={2} result={3} micros={4}",
          tokenName,
          operation,
          label == null ? "-" : label.value(),
          result,
          Long.toString(micros));
    }
  }
}
