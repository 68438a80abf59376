package io.keygate.backend;

import io.grpc.Context;

/**
 * Who the gateway says is calling, once the attestation verified: for the backend's handlers,
 * through {@link #CURRENT}. The tenant and app are those of the AccessKey the gateway verified.
 *
 * @param contentSha256 the base64 SHA-256 the first message must have (checked before the handler
 *     sees it)
 */
public record AttestedCall(String tenant, String app, String api, String requestId,
    long timestampMillis, String contentSha256) {
  /** Set for the handler of a call whose attestation verified. */
  public static final Context.Key<AttestedCall> CURRENT = Context.key("keygate-attested-call");
}
