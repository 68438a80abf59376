package io.keygate.gateway.accesslog;

import io.keygate.gateway.dataplane.EndedCall;
import java.time.Instant;

/**
 * One access-log line: a JSON object on one line (docs/operations.md, "Access log"). Only what
 * {@link EndedCall} holds, which is no secret, no signature, no nonce and no metadata; every string
 * is escaped and bounded ({@link JsonText}), the method name (chosen by the caller when no API
 * matched it) included.
 */
final class AccessLogLine {
  /** Longer values are cut: ids are at most 64 characters, method names 255. */
  static final int MAX_VALUE_CHARS = 256;

  private AccessLogLine() {}

  static String format(EndedCall call) {
    StringBuilder out = new StringBuilder(320);
    out.append("{\"time\":\"").append(Instant.ofEpochMilli(call.endedAtMillis())).append('"');
    string(out, "requestId", call.requestId());
    string(out, "tenant", call.tenantId());
    string(out, "app", call.appId());
    string(out, "api", call.apiId());
    string(out, "accessKey", call.accessKey());
    string(out, "method", call.method());
    out.append(",\"admitted\":").append(call.admitted());
    string(out, "status", call.status().name());
    string(out, "errorCode", call.error() == null ? null : call.error().code());
    out.append(",\"latencyMicros\":").append(call.latencyNanos() / 1_000);
    out.append(",\"requestBytes\":").append(call.requestBytes());
    out.append(",\"responseBytes\":").append(call.responseBytes());
    return out.append('}').toString();
  }

  /** The line that stands for refusal lines left out by the budget. */
  static String suppressed(long atMillis, long count) {
    return "{\"time\":\"" + Instant.ofEpochMilli(atMillis) + "\",\"event\":\"refusalsSuppressed\","
        + "\"count\":" + count + "}";
  }

  private static void string(StringBuilder out, String name, String value) {
    out.append(",\"").append(name).append("\":");
    JsonText.append(out, value, MAX_VALUE_CHARS);
  }
}
