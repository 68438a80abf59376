package io.keygate.benchmarks;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.InvalidMacException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.MacKeys;
import io.keygate.hsm.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The gateway's hot path: checking a request's HMAC-SHA256 signature. {@link #hsmVerify} is what
 * the gateway does (the secret never leaves the token); {@link #softwareVerify} does the same
 * work with SunJCE and is the ruler: on a shared, noisy machine only the ratio of the two,
 * measured in the same run, means anything.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HmacVerifyBenchmark {
  /** About the size of a canonical string-to-sign (method, path, a few headers, body hash). */
  static final int MESSAGE_BYTES = 256;

  private static final int SECRET_BYTES = 32;

  /** Owns the trial's key: imports it in setup, destroys it in teardown. */
  private HsmToken token;
  /** What the timed method may use, as the gateway's authenticator: MACs, nothing else. */
  private MacKeys macs;
  private KeyLabel label;
  private SecretKeySpec softwareKey;
  private byte[] message;
  private byte[] expectedMac;

  @Setup(Level.Trial)
  public void importSecret() throws Exception {
    SecureRandom random = SecureRandom.getInstance("DRBG");
    message = new byte[MESSAGE_BYTES];
    random.nextBytes(message);
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(secret);

    token = BenchmarkToken.open();
    try {
      label = BenchmarkToken.uniqueLabel("bench-hmac", random);
      try (SecretBytes imported = SecretBytes.copyOf(secret)) {
        token.importHmacSecret(label, imported);
      }
      // The ruler keeps a copy of the same secret in the heap: acceptable for a throwaway key.
      softwareKey = new SecretKeySpec(secret, "HmacSHA256");
      expectedMac = newSoftwareMac(softwareKey).doFinal(message);
      macs = token;
      // If the two sides disagree, one of them is measuring something else (wrong key, failing
      // fast on a mismatch), and the ratio would be meaningless.
      if (!MessageDigest.isEqual(macs.mac(label, message), expectedMac)) {
        throw new IllegalStateException("token and SunJCE disagree on HMAC-SHA256 of " + label);
      }
      macs.verifyMac(label, message, expectedMac);
    } catch (Exception | Error e) {
      token.close();
      throw e;
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  @TearDown(Level.Trial)
  public void destroySecret() throws HsmException {
    try {
      token.destroyKey(label);
    } finally {
      token.close();
    }
  }

  /**
   * Through the adapter and PKCS#11, as the gateway verifies every request. Returns normally
   * only for a matching MAC; a mismatch would throw and fail the run, so it measures the path of
   * a valid request.
   */
  @Benchmark
  public void hsmVerify() throws HsmException, InvalidMacException {
    macs.verifyMac(label, message, expectedMac);
  }

  /** The ruler: SunJCE with an initialised Mac, as a software-only gateway would keep one. */
  @Benchmark
  public boolean softwareVerify(SoftwareMac software) {
    return MessageDigest.isEqual(software.mac.doFinal(message), expectedMac);
  }

  /** A Mac is not thread-safe: one per benchmark thread, so runs with -t N stay correct. */
  @State(Scope.Thread)
  public static class SoftwareMac {
    Mac mac;

    @Setup(Level.Trial)
    public void init(HmacVerifyBenchmark shared) throws GeneralSecurityException {
      mac = newSoftwareMac(shared.softwareKey);
    }
  }

  /** SunJCE by name: the token's provider is registered too, and provider order must not decide. */
  static Mac newSoftwareMac(SecretKeySpec key) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256", "SunJCE");
    mac.init(key);
    return mac;
  }
}
