package io.keygate.gateway.dataplane;

import io.grpc.Metadata;
import io.keygate.hsm.HsmException;

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
}
