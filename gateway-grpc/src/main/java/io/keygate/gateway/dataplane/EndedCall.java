package io.keygate.gateway.dataplane;

import io.grpc.Status;
import io.keygate.gateway.errors.GatewayError;

/**
 * One call of the data plane, once it is over: what the metrics and the access log are told.
 * Holds no secret and no metadata: the AccessKey is a public id, and only the method name (for a
 * call no API matched) was chosen by the caller, so whoever prints it escapes and bounds it.
 * Absent parts are null: one object per call, no Optionals on the hot path.
 *
 * @param endedAtMillis wall-clock time the call ended (the node's clock)
 * @param method the full method name the call arrived with (caller-chosen for an unknown method)
 * @param apiId the API the call was routed to, from the configuration; null if none matched
 * @param tenantId the credential's tenant, null unless the call named a known credential
 * @param appId the credential's app, likewise
 * @param accessKey the credential's AccessKey (a public id), likewise
 * @param admitted whether the call was let through to its backend (authenticated, or an API
 *     without authentication); false for every refusal before that
 * @param status the gRPC status the client was answered with (CANCELLED if it left first)
 * @param error the gateway's stable error code, null when the gateway did not refuse the call
 *     (OK, or the backend's own status)
 * @param latencyNanos from the call's headers to its end
 * @param requestBytes bytes of the request messages the gateway received (after decompression)
 * @param responseBytes bytes of the response messages the gateway sent
 */
public record EndedCall(
    long endedAtMillis,
    String requestId,
    String method,
    String apiId,
    String tenantId,
    String appId,
    String accessKey,
    boolean admitted,
    Status.Code status,
    GatewayError error,
    long latencyNanos,
    long requestBytes,
    long responseBytes) {}
