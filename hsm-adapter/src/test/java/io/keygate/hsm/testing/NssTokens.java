package io.keygate.hsm.testing;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh NSS software token (libsoftokn3.so) for one test class: a new NSS database made with
 * {@code certutil -N} (which sets the user PIN), opened by SunPKCS11 in plain library mode with
 * softhsm-config/nss-softokn.cfg.template. NSS initialises once per process with one database,
 * so a test class gets exactly one token; surefire gives every test class its own JVM.
 *
 * <p>System properties {@code keygate.nss.library} and {@code keygate.nss.certutil} override
 * where the library and certutil are looked for.
 */
public final class NssTokens implements TokenFactory {
  public static final String INSTALL_HINT =
      "NSS's software token and tools are needed: run 'bash bin/install-prereqs' or"
          + " 'apt-get install -y libnss3 libnss3-tools'";

  /** See {@link LibraryBehaviour}: every difference was measured on NSS 3.87 (Debian 12). */
  public static final LibraryBehaviour BEHAVIOUR =
      new LibraryBehaviour(
          false, false, false, LibraryBehaviour.StorageLoss.KEEPS_SERVING_FROM_OPEN_FILES);

  private static final List<String> LIBRARY_CANDIDATES =
      List.of(
          "/usr/lib/x86_64-linux-gnu/libsoftokn3.so",
          "/usr/lib/aarch64-linux-gnu/libsoftokn3.so",
          "/usr/lib/x86_64-linux-gnu/nss/libsoftokn3.so",
          "/usr/lib/aarch64-linux-gnu/nss/libsoftokn3.so",
          "/usr/lib64/libsoftokn3.so");

  private final String label;
  private Path dir;
  private Path database;
  private Path pinFile;

  public NssTokens(String label) {
    this.label = label;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    TokenFiles.deleteRecursively(dir);
  }

  /** Creates the database and the SunPKCS11 config. */
  public void start() throws IOException, InterruptedException {
    List<String> candidates =
        System.getProperty("keygate.nss.library") == null
            ? LIBRARY_CANDIDATES
            : List.of(System.getProperty("keygate.nss.library"));
    String library =
        candidates.stream()
            .filter(p -> Files.isRegularFile(Path.of(p)))
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException(
                    "libsoftokn3.so not found in " + candidates + ": " + INSTALL_HINT));
    String certutil = System.getProperty("keygate.nss.certutil", "certutil");
    dir = Files.createTempDirectory("keygate-nss-");
    database = Files.createDirectory(dir.resolve("db"));
    pinFile = TokenFiles.writePrivate(dir.resolve("user.pin"), TokenFiles.randomPin(new SecureRandom()));
    ProcessResult made =
        run(List.of(certutil, "-N", "-d", "sql:" + database, "-f", pinFile.toString()), Map.of());
    if (made.exitCode() != 0) {
      throw new IllegalStateException("certutil -N failed:\n" + made.output());
    }
    String template =
        Files.readString(SoftHsmTokens.configDir().resolve("nss-softokn.cfg.template"));
    Files.writeString(
        config(label),
        template
            .replace("@NAME@", "Keygate-nss-" + label)
            .replace("@LIBRARY@", library)
            .replace("@DB_DIR@", database.toString()));
  }

  @Override
  public String libraryName() {
    return "NSS softokn";
  }

  @Override
  public LibraryBehaviour behaviour() {
    return BEHAVIOUR;
  }

  @Override
  public List<String> labels() {
    return List.of(label);
  }

  @Override
  public Path config(String label) {
    if (!this.label.equals(label)) {
      throw new IllegalArgumentException(
          "NSS initialises once per process: this class has only the token " + this.label);
    }
    return dir.resolve(label + ".sunpkcs11.cfg");
  }

  @Override
  public Path pinFile() {
    return pinFile;
  }

  @Override
  public SunPkcs11Token open(String label, Pkcs11TokenOptions options)
      throws HsmException, IOException {
    return SunPkcs11Token.open(config(label), pin(), options);
  }

  @Override
  public void loseStorage() throws IOException {
    TokenFiles.deleteContents(database);
  }

  @Override
  public Map<String, String> childEnvironment() {
    return Map.of();
  }

  @Override
  public String installHint() {
    return INSTALL_HINT;
  }
}
