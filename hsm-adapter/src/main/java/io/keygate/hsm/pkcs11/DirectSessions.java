package io.keygate.hsm.pkcs11;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.LoginFailedException;
import io.keygate.hsm.Pin;
import io.keygate.hsm.TokenUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.xipki.pkcs11.wrapper.PKCS11Constants;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * A fixed set of logged-in read/write sessions on one token, lent one at a time: a PKCS#11
 * session runs one operation at a time, and opening one per call would cost more than the HMAC.
 * Session objects (the unwrapped keys) belong to the session that made them but every session of
 * this process may use them; they vanish when that session closes, so none is closed before
 * {@link #close()}.
 */
final class DirectSessions implements AutoCloseable {
  /** What runs with a borrowed session. */
  @FunctionalInterface
  interface Work<T> {
    T run(Session session) throws Exception;
  }

  private final List<Session> all;
  private final BlockingQueue<Session> idle;

  private DirectSessions(List<Session> all) {
    this.all = List.copyOf(all);
    this.idle = new ArrayBlockingQueue<>(all.size(), false, all);
  }

  /**
   * Opens {@code count} sessions and logs in as {@code userType} ({@code CKU_USER} or {@code
   * CKU_SO}). Login state is per process and token, so a login SunPKCS11 already made counts.
   */
  static DirectSessions open(DirectLibrary library, Pin pin, long userType, int count)
      throws HsmException {
    if (count < 1) {
      throw new IllegalArgumentException("at least one session");
    }
    List<Session> sessions = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sessions.add(library.token().openSession(true));
      }
      try {
        sessions.get(0).login(userType, pin.unsafeChars());
      } catch (PKCS11Exception e) {
        if (e.getErrorCode() != PKCS11Constants.CKR_USER_ALREADY_LOGGED_IN) {
          throw e;
        }
      }
      // "Already logged in" says nothing of who: a library with no security officer (NSS's key
      // store) answers it to an SO login while the user is in. Ask the session what it may do.
      long state = sessions.get(0).getSessionInfo().getState();
      boolean asAsked = userType == PKCS11Constants.CKU_SO
          ? state == PKCS11Constants.CKS_RW_SO_FUNCTIONS
          : state == PKCS11Constants.CKS_RW_USER_FUNCTIONS
              || state == PKCS11Constants.CKS_RO_USER_FUNCTIONS;
      if (!asAsked) {
        closeAll(sessions);
        throw new LoginFailedException("the token is logged in, but not as the "
            + (userType == PKCS11Constants.CKU_SO ? "security officer" : "user")
            + " (session state " + state + ")");
      }
      return new DirectSessions(sessions);
    } catch (PKCS11Exception e) {
      closeAll(sessions);
      String ckr = e.getErrorName();
      if (Pkcs11Failures.translate("login", e) instanceof LoginFailedException refused) {
        throw refused;
      }
      throw new TokenUnavailableException("cannot open a session on " + library, ckr, e);
    }
  }

  /** Runs {@code work} with a session of its own, waiting for one if all are lent. */
  <T> T with(Work<T> work) throws Exception {
    Session session = idle.take();
    try {
      return work.run(session);
    } finally {
      idle.add(session);
    }
  }

  int size() {
    return all.size();
  }

  @Override
  public void close() {
    closeAll(all);
  }

  private static void closeAll(List<Session> sessions) {
    for (Session s : sessions) {
      try {
        s.closeSession();
      } catch (PKCS11Exception | RuntimeException e) {
        // closing is best effort: the process is letting go of the token anyway
      }
    }
  }
}
