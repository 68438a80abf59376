package io.keygate.hsm.testing;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.Pin;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;

/**
 * Fresh tokens of one PKCS#11 library for one test class, and the adapter opened on them: what
 * the abstract contract suites ({@code io.keygate.hsm.contract}) run over. A second library, or a
 * second {@link HsmToken} implementation, passes the same suites by implementing this.
 *
 * <p>Register as {@code @RegisterExtension static final SoftHsmTokens TOKENS = new
 * SoftHsmTokens("label")}: the tokens exist before the class's first test (some libraries read
 * their token list once per process) and are deleted after its last. A library that is not
 * installed fails the test with the command that installs it: tests never skip.
 */
public interface TokenFactory extends BeforeAllCallback, AfterAllCallback {

  /** The library's name in test output, e.g. "SoftHSM2". */
  String libraryName();

  /** What the suites expect of this library where libraries differ. */
  LibraryBehaviour behaviour();

  /** The labels of the tokens this factory made, in the order given; the first is the default. */
  List<String> labels();

  /** The SunPKCS11 config of the token {@code label}. */
  Path config(String label);

  /** A file holding the user PIN (first line); tokens of one factory share it. */
  Path pinFile();

  /** A fresh copy of the user PIN (the token that receives it zeroes it on close). */
  default Pin pin() throws IOException {
    return Pin.fromFile(pinFile());
  }

  HsmToken open(String label, Pkcs11TokenOptions options) throws HsmException, IOException;

  default HsmToken open(String label) throws HsmException, IOException {
    return open(label, Pkcs11TokenOptions.defaults());
  }

  /** Opens the first token. */
  default HsmToken open() throws HsmException, IOException {
    return open(labels().get(0));
  }

  default Path config() {
    return config(labels().get(0));
  }

  /** Deletes the files behind every token of this factory, under a process that has them open. */
  void loseStorage() throws IOException;

  /**
   * Environment a separate process needs to open these tokens (e.g. SOFTHSM2_CONF); empty if the
   * SunPKCS11 config says everything.
   */
  Map<String, String> childEnvironment();

  /** Runs a command with {@link #childEnvironment()}; output is stdout and stderr merged. */
  default ProcessResult run(List<String> command, Map<String, String> extraEnv)
      throws IOException, InterruptedException {
    java.util.Map<String, String> env = new java.util.HashMap<>(childEnvironment());
    env.putAll(extraEnv);
    return Processes.run(command, env, installHint());
  }

  /** The command that installs this library, for error messages. */
  String installHint();
}
