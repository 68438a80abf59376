package io.keygate.gateway.auth;

import io.keygate.gateway.model.Credential;
import java.util.Objects;

/**
 * What a call's headers alone decided ({@link RequestAuthenticator#screen}): refused, or passed
 * with a live credential, so that the gateway asks for the first message (and spends memory, a
 * digest and an HSM operation on it) only for a call that names a usable AccessKey in time.
 */
public sealed interface Screening permits Screening.Refused, Screening.Passed {

  /** Refused on the headers; no message needs to be read. */
  record Refused(AuthResult.Rejected rejection) implements Screening {
    public Refused {
      Objects.requireNonNull(rejection, "rejection");
    }
  }

  /**
   * Headers well formed, timestamp in the window, AccessKey known and its credential active. The
   * signature is not checked yet: nothing here is trusted beyond "worth reading one message for".
   */
  final class Passed implements Screening {
    private final SignedRequest headersOnly;
    private final SignatureHeaders headers;
    private final Credential credential;

    Passed(SignedRequest headersOnly, SignatureHeaders headers, Credential credential) {
      this.headersOnly = headersOnly;
      this.headers = headers;
      this.credential = credential;
    }

    /** The credential the call claims (not yet proven). */
    public Credential claimed() {
      return credential;
    }

    /**
     * Whether the call signed {@code x-ca-signature-version: 2} (not yet proven: the signature
     * check that follows fails if the header was added or removed in transit).
     */
    public boolean signedVersion2() {
      return headers.chained();
    }

    SignedRequest headersOnly() {
      return headersOnly;
    }

    SignatureHeaders headers() {
      return headers;
    }

    @Override
    public String toString() {
      return "Screening.Passed[accessKey=" + credential.accessKey() + "]";
    }
  }
}
