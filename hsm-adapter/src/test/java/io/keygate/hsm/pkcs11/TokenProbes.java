package io.keygate.hsm.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_SO;

import io.keygate.hsm.Pin;
import io.keygate.hsm.testing.SoftHsmTokens;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * What the key-hierarchy tests try against a token as an attacker would: a call's PKCS#11 outcome
 * by name, and a session of this process logged in as the user (what a PIN holder has) or the officer.
 */
final class TokenProbes {
  private TokenProbes() {}

  /** A PKCS#11 call whose outcome a test wants to see. */
  @FunctionalInterface
  interface TokenCall {
    Object run() throws Exception;
  }

  /** A PKCS#11 call with no result whose outcome a test wants to see. */
  @FunctionalInterface
  interface TokenAction {
    void run() throws Exception;
  }

  /** The CKR name a call fails with, or "accepted". */
  static String ckr(TokenAction action) {
    return ckr(() -> {
      action.run();
      return null;
    });
  }

  /** The CKR name a call fails with, or "accepted". */
  static String ckr(TokenCall call) {
    try {
      call.run();
      return "accepted";
    } catch (PKCS11Exception e) {
      return e.getErrorName();
    } catch (Exception e) {
      return e.toString();
    }
  }

  /**
   * A session of this process logged in as the user (what a PIN holder has) or as the security
   * officer (with the token's SO PIN file).
   */
  static final class Login implements AutoCloseable {
    final DirectSessions sessions;
    final Session session;

    private Login(DirectSessions sessions, Session session) {
      this.sessions = sessions;
      this.session = session;
    }

    static Login as(SoftHsmTokens tokens, long userType) throws Exception {
      Pin pin = userType == CKU_SO ? Pin.fromFile(tokens.soPinFile()) : tokens.pin();
      DirectSessions sessions;
      try (pin) {
        sessions = DirectSessions.open(DirectLibrary.open(tokens.config()), pin, userType, 1);
      }
      Session[] held = new Session[1];
      sessions.with(s -> held[0] = s);
      return new Login(sessions, held[0]);
    }

    @Override
    public void close() {
      sessions.close();
    }
  }
}
