package io.keygate.benchmarks;

import io.keygate.hsm.AeadKeys;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
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
 * AES-256-GCM encryption of a 1 KiB payload in the token ({@link #hsmEncrypt1KiB}) and, as the
 * in-run ruler, in software with SunJCE ({@link #softwareEncrypt1KiB}).
 *
 * <p>The token side is what callers get: the adapter draws a random 12-byte IV itself and returns
 * an envelope (version, key id, IV, ciphertext, tag; see {@code AeadEnvelope}), so the measured
 * cost includes the IV draw and the envelope. The software ruler takes a fresh IV from a per-key
 * counter: GCM with a repeated IV under one key leaks the authentication key, and SunJCE refuses
 * it outright. Both keys are new in every trial, so the counter may start at zero.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AesGcmBenchmark {
  static final int PLAINTEXT_BYTES = 1024;

  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  /** Callers bind ciphertexts to their context with AAD; a short one, the same on both sides. */
  private static final byte[] AAD = "keygate-bench:v1".getBytes(StandardCharsets.US_ASCII);

  private final AtomicLong softwareInvocations = new AtomicLong();
  /** Owns the trial's key: creates it in setup, destroys it in teardown. */
  private HsmToken token;
  /** What the timed method may use: encryption, nothing else. */
  private AeadKeys aead;
  private KeyLabel label;
  private SecretKeySpec softwareKey;
  private byte[] plaintext;

  @Setup(Level.Trial)
  public void generateKeys() throws Exception {
    SecureRandom random = SecureRandom.getInstance("DRBG");
    plaintext = new byte[PLAINTEXT_BYTES];
    random.nextBytes(plaintext);
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    softwareKey = new SecretKeySpec(raw, "AES");
    Arrays.fill(raw, (byte) 0);

    token = BenchmarkToken.open();
    try {
      label = BenchmarkToken.uniqueLabel("bench-aes", random);
      token.generateAesKey(label);
      aead = token;
      // A round trip proves the token really encrypts with this key before we time it.
      byte[] envelope = aead.encrypt(label, plaintext, AAD);
      if (!Arrays.equals(aead.decrypt(envelope, AAD, Set.of(label)), plaintext)) {
        throw new IllegalStateException("token AES-GCM round trip failed for " + label);
      }
    } catch (Exception | Error e) {
      token.close();
      throw e;
    }
  }

  @TearDown(Level.Trial)
  public void destroyKey() throws HsmException {
    try {
      token.destroyKey(label);
    } finally {
      token.close();
    }
  }

  @Benchmark
  public byte[] hsmEncrypt1KiB() throws HsmException {
    return aead.encrypt(label, plaintext, AAD);
  }

  /** The ruler. GCM needs a new init (new IV) per message anyway, so only the Cipher is reused. */
  @Benchmark
  public byte[] softwareEncrypt1KiB(SoftwareCipher software) throws GeneralSecurityException {
    Cipher cipher = software.cipher;
    cipher.init(
        Cipher.ENCRYPT_MODE, softwareKey, new GCMParameterSpec(TAG_BITS, nextIv(softwareInvocations)));
    cipher.updateAAD(AAD);
    return cipher.doFinal(plaintext);
  }

  /** A Cipher is not thread-safe: one per benchmark thread. */
  @State(Scope.Thread)
  public static class SoftwareCipher {
    Cipher cipher;

    @Setup(Level.Trial)
    public void init() throws GeneralSecurityException {
      // SunJCE by name: the token's provider is registered too, and provider order must not decide.
      cipher = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    }
  }

  /**
   * The software ruler's deterministic 96-bit IV (NIST SP 800-38D, 8.2.1): 4 zero bytes of fixed
   * field and a 64-bit invocation counter. The counter is shared by all threads using the key, so
   * no two operations ever get the same IV, and 2^64 operations will not happen in a benchmark.
   */
  static byte[] nextIv(AtomicLong invocations) {
    byte[] iv = new byte[IV_BYTES];
    ByteBuffer.wrap(iv, IV_BYTES - Long.BYTES, Long.BYTES).putLong(invocations.getAndIncrement());
    return iv;
  }
}
