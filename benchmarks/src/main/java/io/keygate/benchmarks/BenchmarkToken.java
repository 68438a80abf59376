package io.keygate.benchmarks;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.Pin;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Opens the token that {@code benchmarks/run.sh} created. The paths arrive as system properties
 * (run.sh passes them to every fork with -jvmArgsAppend) rather than as JMH @Params, so they
 * never end up as benchmark parameters in the result JSON.
 */
final class BenchmarkToken {
  static final String CONFIG_PROPERTY = "keygate.bench.config";
  static final String PIN_FILE_PROPERTY = "keygate.bench.pinFile";
  static final String SO_PIN_FILE_PROPERTY = "keygate.bench.soPinFile";

  private BenchmarkToken() {}

  static HsmToken open() throws HsmException, IOException {
    Pin pin = userPin();
    try {
      return SunPkcs11Token.open(config(), pin, Pkcs11TokenOptions.defaults());
    } catch (HsmException | RuntimeException e) {
      // The token owns the PIN only once it is open; until then zeroing it is our job.
      pin.close();
      throw e;
    }
  }

  /** The token's SunPKCS11 config file (the direct PKCS#11 classes read the same format). */
  static Path config() {
    return requiredFile(CONFIG_PROPERTY, "the token's SunPKCS11 config file");
  }

  /** The user PIN; whoever opens the token with it zeroes it. */
  static Pin userPin() throws IOException {
    return Pin.fromFile(requiredFile(PIN_FILE_PROPERTY, "a file holding the user PIN"));
  }

  /**
   * The security officer's PIN, for benchmarks that need a KEK: the officer makes it before the
   * fork logs in as the user (PKCS#11 allows one login type per process and token).
   */
  static Pin soPin() throws IOException {
    return Pin.fromFile(requiredFile(SO_PIN_FILE_PROPERTY, "a file holding the SO PIN"));
  }

  /**
   * A label no earlier trial used. Tokens can outlive a trial (several forks, or a token kept
   * between runs), an import refuses to overwrite a label, and a crashed fork never reaches
   * its @TearDown: a fixed label would fail every run after the first crash.
   */
  static KeyLabel uniqueLabel(String prefix, SecureRandom random) {
    byte[] suffix = new byte[6];
    random.nextBytes(suffix);
    return KeyLabel.of(prefix + "-" + HexFormat.of().formatHex(suffix));
  }

  private static Path requiredFile(String property, String what) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "system property " + property + " (" + what + ") is not set. Run the benchmarks with"
              + " 'bash benchmarks/run.sh', which creates a SoftHSM2 token and sets it, or pass"
              + " -jvmArgsAppend \"-D" + property + "=...\" to JMH yourself.");
    }
    Path path = Paths.get(value);
    if (!Files.isReadable(path)) {
      throw new IllegalStateException(
          "system property " + property + " names " + path + ", which is not a readable file");
    }
    return path;
  }
}
