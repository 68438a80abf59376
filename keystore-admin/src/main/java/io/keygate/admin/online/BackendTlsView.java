package io.keygate.admin.online;

import io.keygate.proto.admin.v1.BackendTls;
import io.keygate.proto.admin.v1.BackendTlsMode;
import java.util.Map;

/** How a backend's TLS policy looks in output: anchors by SHA-256, never their PEM. */
final class BackendTlsView {
  private BackendTlsView() {}

  static String mode(BackendTlsMode mode) {
    return switch (mode) {
      case BACKEND_TLS_PLAINTEXT -> "plaintext";
      case BACKEND_TLS -> "tls";
      case BACKEND_MTLS -> "mtls";
      default -> "unspecified";
    };
  }

  static Map<String, Object> map(BackendTls p) {
    return ProtoViews.map(
        "backendTarget", p.getBackendTarget(),
        "mode", mode(p.getMode()),
        "serverName", p.getServerName(),
        "clientKey", p.getClientKeyLabel(),
        "trustAnchorSha256", p.getTrustAnchorSha256List());
  }

  static String text(BackendTls p) {
    return p.getBackendTarget() + ": " + mode(p.getMode())
        + (p.getServerName().isEmpty() ? "" : ", server name " + p.getServerName())
        + (p.getClientKeyLabel().isEmpty() ? "" : ", client key " + p.getClientKeyLabel())
        + (p.getTrustAnchorSha256Count() == 0 ? ""
            : "\n  trust anchors (sha256): " + String.join(", ", p.getTrustAnchorSha256List()))
        + "\n";
  }
}
