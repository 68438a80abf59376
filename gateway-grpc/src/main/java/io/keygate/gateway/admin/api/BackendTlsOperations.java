package io.keygate.gateway.admin.api;

import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.model.BackendTls;
import io.keygate.hsm.KeyLabel;
import io.keygate.proto.admin.v1.BackendTlsMode;
import io.keygate.proto.admin.v1.ListBackendTlsResponse;
import io.keygate.proto.admin.v1.RemoveBackendTlsRequest;
import io.keygate.proto.admin.v1.RemoveBackendTlsResponse;
import io.keygate.proto.admin.v1.SetBackendTlsRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * The officers' backend TLS policies (admin API 1.7): messages in, {@link BackendTls} to the
 * store, messages out. An mtls client key must be an EC key with a certificate in this node's HSM
 * that may sign handshakes (not a CA's, not the audit or attestation key).
 */
final class BackendTlsOperations {
  private final ConfigStore store;
  private final KeyControl keys;

  BackendTlsOperations(ConfigStore store, KeyControl keys) {
    this.store = Objects.requireNonNull(store, "store");
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  io.keygate.proto.admin.v1.BackendTls set(SetBackendTlsRequest req) throws Exception {
    BackendTls policy = policy(req.getPolicy());
    if (policy.clientKey().isPresent()) {
      keys.requireTlsClientKey(policy.clientKey().get());
    }
    store.setBackendTls(policy);
    return message(policy);
  }

  RemoveBackendTlsResponse remove(RemoveBackendTlsRequest req) throws Exception {
    store.removeBackendTls(req.getBackendTarget());
    return RemoveBackendTlsResponse.getDefaultInstance();
  }

  ListBackendTlsResponse list() throws Exception {
    ListBackendTlsResponse.Builder b = ListBackendTlsResponse.newBuilder();
    store.backendTls().forEach(p -> b.addPolicies(message(p)));
    return b.build();
  }

  /** What the audit log keeps of a policy: never the PEM, the anchors' fingerprints. */
  static String auditDetail(io.keygate.proto.admin.v1.BackendTls p) {
    return "mode=" + p.getMode().name()
        + (p.getServerName().isEmpty() ? "" : " serverName=" + p.getServerName())
        + (p.getClientKeyLabel().isEmpty() ? "" : " clientKey=" + p.getClientKeyLabel())
        + (p.getTrustAnchorSha256Count() == 0 ? "" : " anchors=" + String.join(",",
            p.getTrustAnchorSha256List()));
  }

  private static BackendTls policy(io.keygate.proto.admin.v1.BackendTls m) throws AdminException {
    BackendTls.Mode mode = switch (m.getMode()) {
      case BACKEND_TLS_PLAINTEXT -> BackendTls.Mode.PLAINTEXT;
      case BACKEND_TLS -> BackendTls.Mode.TLS;
      case BACKEND_MTLS -> BackendTls.Mode.MTLS;
      default -> throw AdminException.invalid("backend TLS mode unspecified");
    };
    if (!m.getClientKeyLabel().isEmpty() && !KeyLabel.isValid(m.getClientKeyLabel())) {
      throw AdminException.invalid("client key label malformed");
    }
    Optional<KeyLabel> clientKey = m.getClientKeyLabel().isEmpty()
        ? Optional.empty() : Optional.of(KeyLabel.of(m.getClientKeyLabel()));
    // InvalidValueException (INVALID_ARGUMENT) for a bad target, anchors, name or combination.
    return new BackendTls(m.getBackendTarget(), mode,
        BackendTls.parseAnchors(m.getTrustAnchorsPem()), m.getServerName(), clientKey);
  }

  static io.keygate.proto.admin.v1.BackendTls message(BackendTls p) {
    return io.keygate.proto.admin.v1.BackendTls.newBuilder()
        .setBackendTarget(p.target())
        .setMode(switch (p.mode()) {
          case PLAINTEXT -> BackendTlsMode.BACKEND_TLS_PLAINTEXT;
          case TLS -> BackendTlsMode.BACKEND_TLS;
          case MTLS -> BackendTlsMode.BACKEND_MTLS;
        })
        .setTrustAnchorsPem(p.trustAnchorsPem())
        .setServerName(p.serverName())
        .setClientKeyLabel(p.clientKey().map(KeyLabel::value).orElse(""))
        .addAllTrustAnchorSha256(p.anchorFingerprints())
        .build();
  }
}
