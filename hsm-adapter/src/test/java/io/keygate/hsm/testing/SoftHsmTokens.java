package io.keygate.hsm.testing;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.Pin;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fresh SoftHSM2 tokens for one test class, made with softhsm-config/create-token.sh in a new
 * temp directory. Surefire runs each test class in its own JVM with SOFTHSM2_CONF pointing at a
 * file this fixture fills in before any token is opened (SoftHSM reads it once per process).
 *
 * <p>Register as {@code @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("main")}.
 * Missing software fails the test with the command that installs it: tests never skip.
 */
public final class SoftHsmTokens implements TokenFactory {
  public static final String INSTALL_HINT =
      "SoftHSM2 and OpenSC are needed: run 'bash bin/install-prereqs' (or 'bash bin/test') or"
          + " 'apt-get install -y softhsm2 opensc'";

  /** SoftHSM2 re-reads its object files on every operation, so losing them fails closed. */
  public static final LibraryBehaviour BEHAVIOUR =
      new LibraryBehaviour(true, true, true, LibraryBehaviour.StorageLoss.FAILS_CLOSED);

  private final List<String> labels;
  private final Map<String, Long> slots = new LinkedHashMap<>();
  private Path dir;
  private Path pinFile;
  private String library;

  public SoftHsmTokens(String... labels) {
    this.labels = List.of(labels);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    TokenFiles.deleteRecursively(dir);
  }

  /** Creates the tokens; called by JUnit, or directly by code that is not a JUnit test. */
  public void start() throws IOException, InterruptedException {
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null || conf.isBlank()) {
      throw new IllegalStateException(
          "SOFTHSM2_CONF is not set for this JVM: run tests through Maven (surefire sets it)");
    }
    Path script = configDir().resolve("create-token.sh");
    dir = Files.createTempDirectory("keygate-softhsm-");
    SecureRandom random = new SecureRandom();
    Path soPinFile = TokenFiles.writePrivate(dir.resolve("so.pin"), TokenFiles.randomPin(random));
    pinFile = TokenFiles.writePrivate(dir.resolve("user.pin"), TokenFiles.randomPin(random));
    for (String label : labels) {
      ProcessResult r =
          run(
              List.of(
                  "bash", script.toString(),
                  "--dir", dir.resolve("token").toString(),
                  "--label", label,
                  "--so-pin-file", soPinFile.toString(),
                  "--pin-file", pinFile.toString()),
              Map.of());
      if (r.exitCode() == 3 || r.output().contains("not installed")) {
        throw new IllegalStateException(INSTALL_HINT + "\n" + r.output());
      }
      if (r.exitCode() != 0) {
        throw new IllegalStateException("create-token.sh failed for " + label + ":\n" + r.output());
      }
      String[] lines = r.output().trim().split("\n");
      slots.put(label, Long.parseLong(lines[lines.length - 1].trim()));
    }
    Path generated = dir.resolve("token").resolve("softhsm2.conf");
    Path target = Paths.get(conf);
    Files.createDirectories(target.getParent());
    Files.copy(generated, target, StandardCopyOption.REPLACE_EXISTING);
    if (!labels.isEmpty()) {
      library = TokenFiles.configValue(config(labels.get(0)), "library");
    }
  }

  public static Path configDir() {
    String dir = System.getProperty("keygate.softhsm.config.dir");
    if (dir == null) {
      throw new IllegalStateException(
          "system property keygate.softhsm.config.dir is not set: run tests through Maven");
    }
    return Paths.get(dir);
  }

  @Override
  public String libraryName() {
    return "SoftHSM2";
  }

  @Override
  public LibraryBehaviour behaviour() {
    return BEHAVIOUR;
  }

  @Override
  public List<String> labels() {
    return labels;
  }

  /** The SunPKCS11 config of the token labelled {@code label}. */
  @Override
  public Path config(String label) {
    return dir.resolve("token").resolve(label + ".sunpkcs11.cfg");
  }

  /** The directory that holds the tokens' object files. */
  public Path tokenStorage() {
    return dir.resolve("token").resolve("tokens");
  }

  @Override
  public void loseStorage() throws IOException {
    TokenFiles.deleteContents(tokenStorage());
  }

  @Override
  public Path pinFile() {
    return pinFile;
  }

  /** A file holding the security officer's PIN (first line); tokens of one fixture share it. */
  public Path soPinFile() {
    return dir.resolve("so.pin");
  }

  /** A fresh copy of the user PIN (the token that receives it zeroes it on close). */
  @Override
  public Pin pin() throws IOException {
    return Pin.fromFile(pinFile);
  }

  public long slot(String label) {
    return slots.get(label);
  }

  public String library() {
    return library;
  }

  @Override
  public SunPkcs11Token open(String label) throws HsmException, IOException {
    return open(label, Pkcs11TokenOptions.defaults());
  }

  @Override
  public SunPkcs11Token open(String label, Pkcs11TokenOptions options)
      throws HsmException, IOException {
    return SunPkcs11Token.open(config(label), pin(), options);
  }

  @Override
  public Map<String, String> childEnvironment() {
    if (dir != null && Files.exists(dir.resolve("token").resolve("softhsm2.conf"))) {
      return Map.of("SOFTHSM2_CONF", dir.resolve("token").resolve("softhsm2.conf").toString());
    }
    return Map.of();
  }

  @Override
  public String installHint() {
    return INSTALL_HINT;
  }

  /**
   * Runs pkcs11-tool against a token in a separate process, logged in as the user: an independent
   * view of SoftHSM's objects. (The PIN is on that process's command line: acceptable for a
   * throwaway test token only.)
   */
  public ProcessResult pkcs11Tool(String label, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("pkcs11-tool");
    cmd.add("--module");
    cmd.add(library);
    cmd.add("--slot");
    cmd.add(Long.toString(slot(label)));
    cmd.add("--login");
    cmd.add("--pin");
    cmd.add(Files.readAllLines(pinFile).get(0));
    cmd.addAll(List.of(args));
    return run(cmd, Map.of());
  }
}
