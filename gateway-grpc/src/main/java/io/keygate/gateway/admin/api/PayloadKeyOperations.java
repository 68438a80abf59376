package io.keygate.gateway.admin.api;

import io.keygate.gateway.payload.PayloadEnvelope;
import io.keygate.gateway.payload.PayloadKeyStore;
import io.keygate.gateway.payload.PayloadKeyStore.Hop;
import io.keygate.hsm.IssuedSecret;
import io.keygate.hsm.KekId;
import io.keygate.hsm.PayloadKeys;
import io.keygate.proto.admin.v1.IssuePayloadKeyRequest;
import io.keygate.proto.admin.v1.IssuedPayloadKey;
import io.keygate.proto.admin.v1.PayloadKeyInfo;
import io.keygate.proto.admin.v1.PromotePayloadKeyRequest;
import io.keygate.proto.admin.v1.RetirePayloadKeyRequest;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Issuing, promoting and retiring an API's payload keys in the admin API (since 1.9, promoting
 * and staged issuance since 1.11; docs/payload-encryption.md, section 6), for an API the
 * caller's tenant-scoped read has just found: a new key is made in the HSM, stored wrapped under
 * the node's payload KEK and made current (or, staged, only accepted until promoted), and leaves
 * the gateway only encrypted to the requester's one-time RSA key.
 */
final class PayloadKeyOperations {
  private final PayloadKeyStore store;
  private final Optional<PayloadKeys> hsm;
  private final Optional<KekId> kek;
  private final Clock clock;

  /**
   * @param hsm where keys are made; empty on a node that opened no payload keys
   * @param kek the payload KEK new keys are wrapped under (KEYGATE_PAYLOAD_KEK); empty: none issued
   */
  PayloadKeyOperations(PayloadKeyStore store, Optional<PayloadKeys> hsm, Optional<KekId> kek,
      Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.hsm = Objects.requireNonNull(hsm, "hsm");
    this.kek = Objects.requireNonNull(kek, "kek");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Refuses before the HSM makes anything: a bad field, no payload KEK, an id the ring has, a
   * staged key for a ring with no current key.
   */
  IssuedPayloadKey issue(String apiId, IssuePayloadKeyRequest req) throws Exception {
    Hop hop = hop(req.getHop());
    String keyId = keyId(req.getKeyId());
    RSAPublicKey recipient = AdminMessages.recipientKey(req.getRecipientPublicKey())
        .orElseThrow(() -> new AdminException(AdminError.RECIPIENT_KEY_REQUIRED,
            "a payload key is sent only encrypted"));
    if (hsm.isEmpty() || kek.isEmpty()) {
      throw new AdminException(AdminError.PAYLOAD_KEK_REQUIRED, "no payload KEK on this node");
    }
    var ring = store.ring(apiId, hop);
    if (ring.map(r -> r.keys().containsKey(keyId)).orElse(false)) {
      throw new AdminException(AdminError.ALREADY_EXISTS, "payload key id taken in that ring");
    }
    boolean current = !req.getStaged();
    if (!current && ring.isEmpty()) {
      throw new AdminException(AdminError.PAYLOAD_KEY_NO_CURRENT, "staging into an empty ring");
    }
    IssuedSecret issued = hsm.get().generatePayloadKey(kek.get(), recipient);
    store.addKey(apiId, hop, keyId, issued.stored(), clock.instant(), current);
    return IssuedPayloadKey.newBuilder()
        .setKey(PayloadKeyInfo.newBuilder().setHop(text(hop)).setKeyId(keyId).setCurrent(current))
        .setKeyForRecipient(com.google.protobuf.ByteString.copyFrom(issued.forRecipient()))
        .build();
  }

  /**
   * Makes a key of the ring current; the one that was current stays accepted. The current key
   * itself: nothing to do, and nothing is written (the call is still audited).
   */
  void promote(String apiId, PromotePayloadKeyRequest req) throws Exception {
    Hop hop = hop(req.getHop());
    String keyId = keyId(req.getKeyId());
    if (store.ring(apiId, hop).map(r -> r.current().equals(keyId)).orElse(false)) {
      return;
    }
    store.makeCurrent(apiId, hop, keyId);
  }

  /** Removes a key that is not current. */
  void retire(String apiId, RetirePayloadKeyRequest req) throws Exception {
    Hop hop = hop(req.getHop());
    String keyId = keyId(req.getKeyId());
    if (store.ring(apiId, hop).map(r -> r.current().equals(keyId)).orElse(false)) {
      throw new AdminException(AdminError.PAYLOAD_KEY_CURRENT, "retiring the current key");
    }
    store.retireKey(apiId, hop, keyId);
  }

  private static Hop hop(String text) throws AdminException {
    for (Hop hop : Hop.values()) {
      if (text(hop).equals(text)) {
        return hop;
      }
    }
    throw AdminException.invalid("hop is client or backend");
  }

  private static String keyId(String id) throws AdminException {
    if (!PayloadEnvelope.isKeyId(id)) {
      throw AdminException.invalid("a payload key id is 1-32 of a-z 0-9 . -");
    }
    return id;
  }

  private static String text(Hop hop) {
    return hop.name().toLowerCase(Locale.ROOT);
  }
}
