package io.keygate.benchmarks;

import io.keygate.gateway.auth.MessageChain;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.InvalidMacException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.MacKeys;
import io.keygate.hsm.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What signature version 2 adds per request message (docs/signature-spec.md, section 13): hash
 * the payload, build the 88-byte MAC input ({@link MessageChain#macInput}) and verify its MAC.
 * {@link #hsmMessageCheck} verifies in the token (C_Verify, as the gateway does); {@link
 * #softwareMessageCheck} is the ruler, SunJCE on the same input, measured in the same run. The
 * payload size is a parameter: the hash grows with it, the token's work does not.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MessageChainBenchmark {
  @Param({"1024", "65536"})
  public int payloadBytes;

  private HsmToken token;
  private MacKeys macs;
  private KeyLabel label;
  private SecretKeySpec softwareKey;
  private byte[] callSignature;
  private byte[] payload;
  private byte[] expectedMac;

  @Setup(Level.Trial)
  public void importSecret() throws Exception {
    SecureRandom random = SecureRandom.getInstance("DRBG");
    payload = new byte[payloadBytes];
    random.nextBytes(payload);
    callSignature = new byte[32];
    random.nextBytes(callSignature);
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    token = BenchmarkToken.open();
    try {
      label = BenchmarkToken.uniqueLabel("bench-msg", random);
      try (SecretBytes imported = SecretBytes.copyOf(secret)) {
        token.importHmacSecret(label, imported);
      }
      softwareKey = new SecretKeySpec(secret, "HmacSHA256");
      expectedMac = HmacVerifyBenchmark.newSoftwareMac(softwareKey).doFinal(input(sha256()));
      macs = token;
      macs.verifyMac(label, input(sha256()), expectedMac); // both sides agree, or no run
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

  /** The gateway's per-message check: hash, input, C_Verify in the token. */
  @Benchmark
  public void hsmMessageCheck(Digest digest) throws HsmException, InvalidMacException {
    macs.verifyMac(label, input(digest.sha256), expectedMac);
  }

  /** The ruler: the same hash and input, HMAC in SunJCE, constant-time compare. */
  @Benchmark
  public boolean softwareMessageCheck(Digest digest, SoftwareMac software) {
    return MessageDigest.isEqual(software.mac.doFinal(input(digest.sha256)), expectedMac);
  }

  private byte[] input(MessageDigest sha256) {
    return MessageChain.macInput(callSignature, MessageChain.DATA, 1, sha256.digest(payload));
  }

  private static MessageDigest sha256() throws NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256");
  }

  /** A MessageDigest is not thread-safe: one per benchmark thread. */
  @State(Scope.Thread)
  public static class Digest {
    MessageDigest sha256;

    @Setup(Level.Trial)
    public void init() throws NoSuchAlgorithmException {
      sha256 = sha256();
    }
  }

  /** A Mac per benchmark thread, SunJCE by name (provider order must not decide). */
  @State(Scope.Thread)
  public static class SoftwareMac {
    Mac mac;

    @Setup(Level.Trial)
    public void init(MessageChainBenchmark shared) throws GeneralSecurityException {
      mac = HmacVerifyBenchmark.newSoftwareMac(shared.softwareKey);
    }
  }
}
