package io.keygate.gateway.attestation;

import io.keygate.gateway.dataplane.BackendHeaders;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.InvalidValueException;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which token keys attest calls to which backends (docs/backend-attestation.md): the EC P-256 key
 * for every backend ({@code KEYGATE_BACKEND_ATTESTATION_KEY}) and, per backend, an HMAC-SHA256
 * key instead ({@code KEYGATE_BACKEND_ATTESTATION_HMAC}). Labels only, never key bytes.
 */
public record AttestationKeys(Optional<KeyLabel> ecdsa, Map<BackendTarget, KeyLabel> hmac) {
  private static final Logger LOG = System.getLogger("io.keygate.gateway");

  /** No attestation: the identity headers go unsigned. */
  public static final AttestationKeys NONE = new AttestationKeys(Optional.empty(), Map.of());

  public AttestationKeys {
    Objects.requireNonNull(ecdsa, "ecdsa");
    hmac = Map.copyOf(hmac);
  }

  public AttestationKeys withEcdsa(KeyLabel label) {
    return new AttestationKeys(Optional.of(label), hmac);
  }

  public AttestationKeys withHmac(Map<BackendTarget, KeyLabel> labels) {
    return new AttestationKeys(ecdsa, labels);
  }

  /**
   * Parses {@code target=label;target=label}: each target in a form {@link BackendTarget#parse}
   * takes (it matches the API's target as parsed, so {@code dns:///b:80} and {@code b:80} are one
   * backend), each label a key label; spaces around either are ignored.
   *
   * @throws IllegalArgumentException naming what is wrong, never repeating the text
   */
  public static Map<BackendTarget, KeyLabel> parseHmac(String text) {
    Map<BackendTarget, KeyLabel> labels = new HashMap<>();
    for (String pair : text.split(";", -1)) {
      int eq = pair.lastIndexOf('=');
      if (eq < 0 || !KeyLabel.isValid(pair.substring(eq + 1).strip())) {
        throw new IllegalArgumentException("expected target=label pairs separated by ';'");
      }
      BackendTarget target;
      try {
        target = BackendTarget.parse(pair.substring(0, eq).strip());
      } catch (InvalidValueException e) {
        throw new IllegalArgumentException("a target is not a backend target: " + e.getMessage());
      }
      if (labels.put(target, KeyLabel.of(pair.substring(eq + 1).strip())) != null) {
        throw new IllegalArgumentException("a backend target is named twice");
      }
    }
    return labels;
  }

  /**
   * The node's backend headers with these keys of {@code token}, saying in the log which key
   * (label and id) attests which calls.
   *
   * @throws HsmException if a key is not there or not of its kind: the node does not start
   */
  public BackendHeaders inToken(HsmToken token, Clock clock) throws HsmException {
    if (ecdsa.isEmpty() && hmac.isEmpty()) {
      return BackendHeaders.UNSIGNED;
    }
    BackendAttestor attestor = BackendAttestor.inToken(token, ecdsa, hmac, clock);
    ecdsa.ifPresent(label -> LOG.log(Level.INFO, "backend attestation: every authenticated call"
        + " signed by " + label + " (key id " + attestor.keyId().orElseThrow() + ")"
        + (hmac.isEmpty() ? "" : ", but for the backends with an HMAC key")));
    // Key ids only: an HMAC key's id is its MAC of a fixed text, which says nothing of the key.
    attestor.hmacKeyIds().forEach((target, id) -> LOG.log(Level.INFO, "backend attestation: calls"
        + " to " + target + " MACed by " + hmac.get(target) + " (key id " + id + ")"));
    return attestor;
  }
}
