package io.keygate.gateway.dataplane;

import io.grpc.Metadata;
import io.keygate.gateway.model.Credential;

/**
 * What the gateway tells a backend about an admitted call: the request id, and for a signed call
 * the caller's tenant and app. Not signed by themselves: a backend that cannot be reached only
 * through the gateway checks the gateway's attestation of them ({@code BackendAttestor},
 * docs/backend-attestation.md). Clients cannot forge them: the proxy's {@code MetadataPolicy} strips
 * every {@code x-keygate-*} name a client sends.
 */
public final class IdentityHeaders {
  public static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of("x-keygate-request-id", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> TENANT =
      Metadata.Key.of("x-keygate-tenant", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> APP =
      Metadata.Key.of("x-keygate-app", Metadata.ASCII_STRING_MARSHALLER);

  private IdentityHeaders() {}

  /** The unsigned identity headers of {@code call}. */
  public static Metadata of(AdmittedCall call) {
    Metadata headers = new Metadata();
    headers.put(REQUEST_ID, call.requestId());
    if (call.caller().isPresent()) {
      Credential caller = call.caller().get();
      headers.put(TENANT, caller.tenantId());
      headers.put(APP, caller.appId());
    }
    return headers;
  }
}
