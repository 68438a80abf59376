package io.keygate.gateway.dataplane;

import io.grpc.Metadata;
import io.keygate.gateway.payload.PayloadException;
import io.keygate.hsm.HsmException;
import java.util.Optional;

/**
 * Makes the gateway's headers for the backend of an authenticated call, on the HSM lane, once its
 * first message is known: {@link #UNSIGNED} (request id, tenant, app, as {@link IdentityHeaders})
 * or an attestation the backend can verify (docs/backend-attestation.md). Only names under the
 * proxy's gateway prefix ({@code x-keygate-}).
 */
public interface BackendHeaders {
  /** The identity headers as they are, signed by nothing. */
  BackendHeaders UNSIGNED = (call, method, firstMessage) -> IdentityHeaders.of(call);

  /**
   * @param method the full method path, {@code /package.Service/Method}
   * @param firstMessage the first request message as it will be forwarded (empty if the client
   *     half-closed without one)
   * @throws HsmException if the token cannot sign: the call is refused HsmUnavailable
   */
  Metadata forAuthenticated(AdmittedCall call, String method, byte[] firstMessage)
      throws HsmException;

  /**
   * The headers of a call whose forwarded first message is sealed for its backend under these
   * headers' own timestamp ({@code x-keygate-timestamp}, docs/payload-encryption.md, section 4):
   * {@code first} makes the message from the timestamp, and the headers cover what it returns.
   *
   * @return empty if these headers carry no timestamp ({@link #UNSIGNED}): the gateway cannot
   *     seal for a backend that has nothing to bind the sealing to
   */
  default Optional<Sealed> forSealed(AdmittedCall call, String method, FirstMessage first)
      throws HsmException, PayloadException {
    return Optional.empty();
  }

  /** Makes the first message to forward once the attestation's timestamp is chosen. */
  interface FirstMessage {
    byte[] forward(String timestamp) throws HsmException, PayloadException;
  }

  /** The headers, and the first message they cover. */
  record Sealed(Metadata headers, byte[] firstMessage) {}
}
