package io.keygate.gateway.node;

import io.keygate.hsm.KekId;
import io.keygate.hsm.pkcs11.DirectWrappedMacs;
import java.util.Optional;

/**
 * The key hierarchy of a node (docs/key-hierarchy.md).
 *
 * @param issuingKek the KEK new AccessSecrets are wrapped under (KEYGATE_KEK). While it is set the
 *     admin API issues secrets only encrypted to the requester's one-time key, so the node never
 *     holds one in the clear; while it is empty, each new secret is a token key of its own (the
 *     first design). Wrapped secrets are verified either way.
 * @param cacheKeys how many unwrapped keys the node keeps in the token (KEYGATE_KEY_CACHE); SoftHSM
 *     holds about 8.5 KB of native memory for each
 * @param payloadKek the payload KEK new payload keys are wrapped under (KEYGATE_PAYLOAD_KEK,
 *     docs/payload-encryption.md); payload keys already issued name their own KEK and are used
 *     whether it is set or not
 */
public record KeyHierarchySettings(Optional<KekId> issuingKek, int cacheKeys,
    Optional<KekId> payloadKek) {
  public static final int DEFAULT_CACHE_KEYS = DirectWrappedMacs.DEFAULT_CACHE_KEYS;

  public KeyHierarchySettings {
    java.util.Objects.requireNonNull(payloadKek, "payloadKek");
    if (cacheKeys < 1) {
      throw new IllegalArgumentException("the key cache needs room for one key");
    }
  }

  public static KeyHierarchySettings defaults() {
    return new KeyHierarchySettings(Optional.empty(), DEFAULT_CACHE_KEYS, Optional.empty());
  }

  public KeyHierarchySettings withIssuingKek(KekId kek) {
    return new KeyHierarchySettings(Optional.of(kek), cacheKeys, payloadKek);
  }

  public KeyHierarchySettings withPayloadKek(KekId kek) {
    return new KeyHierarchySettings(issuingKek, cacheKeys, Optional.of(kek));
  }
}
