package io.keygate.benchmarks;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
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
 * What backend attestation (KEYGATE_BACKEND_ATTESTATION_KEY, docs/backend-attestation.md) adds to
 * each authenticated call: one ECDSA P-256 signature over about 200 bytes. {@link #hsmSign} signs
 * in the token as the gateway does; {@link #softwareSign} signs with SunEC, the ruler; {@link
 * #softwareVerify} is what the backend spends on its side. The per-backend HMAC option: {@link
 * #hsmMac} in the token (the gateway), {@link #softwareHmacVerify} with the JDK (the backend,
 * constant-time compare included).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AttestationBenchmark {
  /** About an attested text: version, method, tenant, app, API, request id, time, digest. */
  static final int TEXT_BYTES = 200;

  private HsmToken token;
  private KeyLabel label;
  private byte[] text;
  private KeyPair software;
  private byte[] softwareSignature;
  private KeyLabel hmacLabel;
  private SecretKeySpec hmacKey;
  private byte[] hmacOfText;

  @Setup(Level.Trial)
  public void makeKeys() throws Exception {
    SecureRandom random = SecureRandom.getInstance("DRBG");
    text = new byte[TEXT_BYTES];
    random.nextBytes(text);
    token = BenchmarkToken.open();
    try {
      label = BenchmarkToken.uniqueLabel("bench-attest", random);
      token.generateEcKey(label, new CertificateProfile("bench-attestation", List.of(), List.of(),
          Duration.ofDays(1)));
      KeyPairGenerator ec = KeyPairGenerator.getInstance("EC", "SunEC");
      ec.initialize(new ECGenParameterSpec("secp256r1"));
      software = ec.generateKeyPair();
      softwareSignature = softwareSign();
      hmacLabel = BenchmarkToken.uniqueLabel("bench-attest-hmac", random);
      byte[] key = new byte[32];
      random.nextBytes(key);
      hmacKey = new SecretKeySpec(key, "HmacSHA256");
      token.importHmacSecret(hmacLabel, SecretBytes.copyOf(key));
      hmacOfText = token.mac(hmacLabel, text);
      if (!softwareHmacVerify()) {
        throw new IllegalStateException("the token's HMAC differs from the JDK's");
      }
      // The token's signature must verify, or the figure would time a failure.
      Signature check = Signature.getInstance("SHA256withECDSA", "SunEC");
      check.initVerify(token.publicKey(label));
      check.update(text);
      if (!check.verify(token.sign(label, text))) {
        throw new IllegalStateException("the token's ECDSA signature does not verify");
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
      if (hmacLabel != null) {
        token.destroyKey(hmacLabel);
      }
    } finally {
      token.close();
    }
  }

  @Benchmark
  public byte[] hsmSign() throws HsmException {
    return token.sign(label, text);
  }

  @Benchmark
  public byte[] softwareSign() throws GeneralSecurityException {
    Signature s = Signature.getInstance("SHA256withECDSA", "SunEC");
    s.initSign(software.getPrivate());
    s.update(text);
    return s.sign();
  }

  @Benchmark
  public boolean softwareVerify() throws GeneralSecurityException {
    Signature s = Signature.getInstance("SHA256withECDSA", "SunEC");
    s.initVerify(software.getPublic());
    s.update(text);
    return s.verify(softwareSignature);
  }

  @Benchmark
  public byte[] hsmMac() throws HsmException {
    return token.mac(hmacLabel, text);
  }

  @Benchmark
  public boolean softwareHmacVerify() throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(hmacKey);
    return MessageDigest.isEqual(mac.doFinal(text), hmacOfText);
  }
}
