package io.keygate.gateway.admin.api;

import io.keygate.gateway.model.EncryptionPolicy;
import io.keygate.gateway.payload.PayloadKeyStore;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.payload.PayloadKeyStore.Hop;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.ListPayloadKeysResponse;
import io.keygate.proto.admin.v1.PayloadKeyInfo;
import java.util.Locale;
import java.util.TreeSet;
import java.time.Instant;
import java.util.Objects;

/**
 * An API's payload encryption policy and key ids in the admin API (since 1.8): set by
 * SetApiEncryption for an API the caller's tenant-scoped read has just found, added to every API
 * a reply shows, and its rings listed by key id (ListPayloadKeys), never by key.
 */
final class EncryptionPolicies {
  private final PayloadKeyStore store;

  EncryptionPolicies(PayloadKeyStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Stores the policy a request names; an unset or unknown one is refused, nothing stored. */
  void set(String apiId, io.keygate.proto.admin.v1.EncryptionPolicy requested, Instant now)
      throws AdminException, StoreException {
    EncryptionPolicy policy = switch (requested) {
      case ENCRYPTION_NONE -> EncryptionPolicy.NONE;
      case ENCRYPTION_CLIENT -> EncryptionPolicy.CLIENT;
      case ENCRYPTION_BACKEND -> EncryptionPolicy.BACKEND;
      case ENCRYPTION_BOTH -> EncryptionPolicy.BOTH;
      case ENCRYPTION_POLICY_UNSPECIFIED, UNRECOGNIZED ->
          throw AdminException.invalid("encryption is one of none, client, backend, both");
    };
    store.setPolicy(apiId, policy, now);
  }

  /** The API as a reply shows it: with its stored policy. */
  Api shown(Api api) throws StoreException {
    return api.toBuilder().setEncryption(message(store.policy(api.getId()))).build();
  }

  /** The ids of the API's payload keys, client ring then backend ring; never a key. */
  ListPayloadKeysResponse keys(String apiId) throws StoreException {
    ListPayloadKeysResponse.Builder b =
        ListPayloadKeysResponse.newBuilder().setEncryption(message(store.policy(apiId)));
    for (Hop hop : Hop.values()) {
      var ring = store.ring(apiId, hop);
      if (ring.isPresent()) {
        for (String id : new TreeSet<>(ring.get().keys().keySet())) {
          b.addKeys(PayloadKeyInfo.newBuilder()
              .setHop(hop.name().toLowerCase(Locale.ROOT))
              .setKeyId(id)
              .setCurrent(id.equals(ring.get().current())));
        }
      }
    }
    return b.build();
  }

  static io.keygate.proto.admin.v1.EncryptionPolicy message(EncryptionPolicy p) {
    return switch (p) {
      case NONE -> io.keygate.proto.admin.v1.EncryptionPolicy.ENCRYPTION_NONE;
      case CLIENT -> io.keygate.proto.admin.v1.EncryptionPolicy.ENCRYPTION_CLIENT;
      case BACKEND -> io.keygate.proto.admin.v1.EncryptionPolicy.ENCRYPTION_BACKEND;
      case BOTH -> io.keygate.proto.admin.v1.EncryptionPolicy.ENCRYPTION_BOTH;
    };
  }
}
