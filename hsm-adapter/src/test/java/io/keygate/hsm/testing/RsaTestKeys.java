package io.keygate.hsm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RSA key pairs for tests that play a party outside the HSM: the officer or client a payload key
 * is handed to, the requester of a batch of wrapped secrets. Made once per module build and kept
 * in {@code target/test-keys} (the surefire property {@value #DIRECTORY_PROPERTY}), because making
 * a 3072-bit pair costs 1 to 10 s of CPU in a test JVM that runs C1 only (docs/testing.md: C1
 * has none of BigInteger's intrinsics), and a dozen classes each made their own.
 *
 * <p>The same size and index give every class of the build the same pair; different indexes give
 * different pairs. Test keys only: nothing trusts them, and {@code mvn clean} removes them. When
 * the property is not set (a test run from an IDE), each JVM makes its own.
 */
public final class RsaTestKeys {
  public static final String DIRECTORY_PROPERTY = "keygate.test.keys.dir";
  private static final Map<String, KeyPair> MADE = new ConcurrentHashMap<>();

  private RsaTestKeys() {}

  /** The build's 3072-bit pair number {@code index} (the size the gateway asks of recipients). */
  public static KeyPair rsa3072(int index) {
    return rsa(3072, index);
  }

  /** The build's pair of {@code bits} number {@code index}. */
  public static KeyPair rsa(int bits, int index) {
    return MADE.computeIfAbsent(bits + "-" + index, name -> loadOrMake(bits, name));
  }

  private static KeyPair loadOrMake(int bits, String name) {
    try {
      String dir = System.getProperty(DIRECTORY_PROPERTY);
      if (dir == null || dir.isBlank()) {
        return make(bits);
      }
      Path file = Path.of(dir, "rsa-" + name + ".p8");
      if (Files.exists(file)) {
        return load(Files.readAllBytes(file));
      }
      KeyPair made = make(bits);
      Files.createDirectories(file.getParent());
      // Two test JVMs may make the same name at once: each keeps its own pair, the file ends up
      // whole (written aside, then renamed over), and later classes read whichever came last.
      Path aside = Files.createTempFile(file.getParent(), name, ".tmp");
      Files.write(aside, made.getPrivate().getEncoded());
      Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return made;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make or read a test RSA key", e);
    }
  }

  private static KeyPair make(int bits) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(bits);
    return g.generateKeyPair();
  }

  private static KeyPair load(byte[] pkcs8) throws GeneralSecurityException {
    KeyFactory rsa = KeyFactory.getInstance("RSA");
    RSAPrivateCrtKey priv = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    return new KeyPair(
        rsa.generatePublic(new RSAPublicKeySpec(priv.getModulus(), priv.getPublicExponent())), priv);
  }
}
