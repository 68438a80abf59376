package io.keygate.gateway.auth;

import io.keygate.gateway.model.Credential;
import java.util.Objects;

/**
 * The verdict on a request's signature: authenticated as a credential, or rejected for a stable
 * {@link AuthFailure}. A failure to decide (HSM or nonce store down) is not a verdict: it is
 * thrown by {@link RequestAuthenticator#authenticate}.
 */
public sealed interface AuthResult permits AuthResult.Authenticated, AuthResult.Rejected {

  static AuthResult authenticated(Credential credential) {
    return new Authenticated(credential);
  }

  static AuthResult rejected(AuthFailure failure, String logDetail) {
    return new Rejected(failure, logDetail);
  }

  default boolean isAuthenticated() {
    return this instanceof Authenticated;
  }

  /** The signature is valid and its nonce was new: the call comes from this credential's app. */
  record Authenticated(Credential credential) implements AuthResult {
    public Authenticated {
      Objects.requireNonNull(credential, "credential");
    }
  }

  /**
   * @param failure what the client is told (its code and a fixed message)
   * @param logDetail why, for the gateway's log only: never sent to the client. It holds no
   *     secret, signature or string-to-sign.
   */
  record Rejected(AuthFailure failure, String logDetail) implements AuthResult {
    public Rejected {
      Objects.requireNonNull(failure, "failure");
      Objects.requireNonNull(logDetail, "logDetail");
    }
  }
}
