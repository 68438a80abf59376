package io.keygate.hsm.contract;

import io.keygate.hsm.HsmToken;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of the contract suites: one token from {@link #tokens()}, opened once for the class. A
 * concrete subclass per library registers its factory as a static extension and returns it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TokenContract {
  protected HsmToken token;

  /** The factory the concrete class registered with {@code @RegisterExtension}. */
  protected abstract TokenFactory tokens();

  @BeforeAll
  void openToken() throws Exception {
    token = tokens().open(tokens().labels().get(0), options());
    prepare();
  }

  /** How the suite's token is opened; suites override it to inject clock or randomness. */
  protected Pkcs11TokenOptions options() {
    return Pkcs11TokenOptions.defaults();
  }

  /** Keys the suite needs before its first test. */
  protected void prepare() throws Exception {}

  @AfterAll
  void closeToken() {
    if (token != null) {
      token.close();
    }
  }
}
