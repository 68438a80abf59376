package io.keygate.benchmarks;

import io.keygate.hsm.GcmSealed;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.IssuedSecret;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyAlreadyExistsException;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.WrappedSecret;
import io.keygate.hsm.pkcs11.DirectKekAdministration;
import io.keygate.hsm.pkcs11.DirectPayloadKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Arrays;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Payload encryption's per-message cost under policy {@code both} (docs/payload-encryption.md):
 * open the client's message and seal it again for the backend, in the token through {@link
 * DirectPayloadKeys} (keys issued under a payload KEK, unwrapped once into encrypt-only and
 * decrypt-only session keys, warm), beside the same two operations in SunJCE as the ruler, in one
 * run, for a 1 KiB and a 64 KiB message.
 *
 * <p>The token side draws its IV itself for each sealing; the ruler takes one from a counter (a
 * repeated IV under one key would leak the authentication key, and SunJCE refuses it). The opened
 * message is the same ciphertext every time: opening the same ciphertext again is safe.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PayloadGcmBenchmark {
  static final KekId KEK = KekId.of("bench-payload");
  private static final int TAG_BITS = 128;
  private static final byte[] AAD_IN = ("keygate-payload-v1\nclient-to-gateway\nc-1\n0\n"
      + "/keygate.demo.v1.EchoService/Echo\nAKbench\n1764590400000\nbm9uY2U").getBytes(
          StandardCharsets.US_ASCII);
  private static final byte[] AAD_OUT = ("keygate-payload-v1\ngateway-to-backend\nb-1\n0\n"
      + "/keygate.demo.v1.EchoService/Echo\nbench-app\n1764590400000\nreq-1").getBytes(
          StandardCharsets.US_ASCII);

  @Param({"1024", "65536"})
  int messageBytes;

  private DirectPayloadKeys hsm;
  private WrappedSecret clientKey;
  private WrappedSecret backendKey;
  private SecretKeySpec softwareClientKey;
  private SecretKeySpec softwareBackendKey;
  private byte[] iv;
  private byte[] sealedByClient;
  private final AtomicLong softwareInvocations = new AtomicLong();

  @Setup(Level.Trial)
  public void issueKeys() throws Exception {
    try (DirectKekAdministration so = DirectKekAdministration.openAsSecurityOfficer(
        BenchmarkToken.config(), BenchmarkToken.soPin())) {
      so.generatePayloadKek(KEK);
    } catch (KeyAlreadyExistsException e) {
      // an earlier fork on this token made it
    }
    hsm = DirectPayloadKeys.open(BenchmarkToken.config(), BenchmarkToken.userPin(), 2, 16,
        Clock.systemUTC(), new SecureRandom());
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
      g.initialize(WrappedMacKeys.MIN_RECIPIENT_BITS);
      KeyPair officer = g.generateKeyPair();
      IssuedSecret c = hsm.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic());
      IssuedSecret b = hsm.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic());
      clientKey = c.stored();
      backendKey = b.stored();
      softwareClientKey = new SecretKeySpec(officerOpens(officer, c), "AES");
      softwareBackendKey = new SecretKeySpec(officerOpens(officer, b), "AES");

      byte[] message = new byte[messageBytes];
      new SecureRandom().nextBytes(message);
      iv = new byte[12];
      new SecureRandom().nextBytes(iv);
      Cipher client = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
      client.init(Cipher.ENCRYPT_MODE, softwareClientKey, new GCMParameterSpec(TAG_BITS, iv));
      client.updateAAD(AAD_IN);
      sealedByClient = client.doFinal(message);
      // Both paths must agree before anything is timed: the backend opens what the token sealed.
      GcmSealed out = hsmOpenSeal();
      Cipher backend = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
      backend.init(Cipher.DECRYPT_MODE, softwareBackendKey,
          new GCMParameterSpec(TAG_BITS, out.iv()));
      backend.updateAAD(AAD_OUT);
      if (!Arrays.equals(backend.doFinal(out.ciphertextAndTag()), message)) {
        throw new IllegalStateException("token open+seal does not round-trip");
      }
    } catch (Exception | Error e) {
      hsm.close();
      throw e;
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    hsm.close();
  }

  /** What the gateway does per request message under policy both. */
  @Benchmark
  public GcmSealed hsmOpenSeal() throws HsmException {
    byte[] clear = hsm.open(clientKey, iv, sealedByClient, AAD_IN);
    return hsm.seal(backendKey, clear, AAD_OUT);
  }

  /** The ruler: the same two operations in SunJCE. */
  @Benchmark
  public byte[] softwareOpenSeal(SoftwareCiphers software) throws GeneralSecurityException {
    Cipher open = software.open;
    open.init(Cipher.DECRYPT_MODE, softwareClientKey, new GCMParameterSpec(TAG_BITS, iv));
    open.updateAAD(AAD_IN);
    byte[] clear = open.doFinal(sealedByClient);
    Cipher seal = software.seal;
    seal.init(Cipher.ENCRYPT_MODE, softwareBackendKey,
        new GCMParameterSpec(TAG_BITS, AesGcmBenchmark.nextIv(softwareInvocations)));
    seal.updateAAD(AAD_OUT);
    return seal.doFinal(clear);
  }

  /** A Cipher is not thread-safe: two per benchmark thread. */
  @State(Scope.Thread)
  public static class SoftwareCiphers {
    Cipher open;
    Cipher seal;

    @Setup(Level.Trial)
    public void init() throws GeneralSecurityException {
      open = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
      seal = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    }
  }

  private static byte[] officerOpens(KeyPair officer, IssuedSecret issued)
      throws GeneralSecurityException {
    Cipher rsa = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER, "SunJCE");
    rsa.init(Cipher.DECRYPT_MODE, officer.getPrivate());
    return rsa.doFinal(issued.forRecipient());
  }
}
