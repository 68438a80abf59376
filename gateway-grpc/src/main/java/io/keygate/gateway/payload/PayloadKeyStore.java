package io.keygate.gateway.payload;

import io.keygate.gateway.model.EncryptionPolicy;
import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.WrappedSecret;
import java.time.Instant;
import java.util.Optional;

/**
 * Each API's payload encryption policy and key rings, as stored (migration V13). Keys are blobs
 * wrapped under a payload KEK, never key bytes. Implemented by the JDBC store.
 */
public interface PayloadKeyStore {

  /** Which ring: the client's (the app seals) or the backend's (the gateway seals). */
  enum Hop {
    CLIENT,
    BACKEND
  }

  /** The API's policy; {@link EncryptionPolicy#NONE} when none was set. */
  EncryptionPolicy policy(String apiId) throws StoreException;

  /**
   * Sets the API's policy.
   *
   * @throws io.keygate.gateway.store.StoreNotFoundException if there is no such API
   */
  void setPolicy(String apiId, EncryptionPolicy policy, Instant now) throws StoreException;

  /**
   * Adds a key to the API's ring for {@code hop} and makes it current; the key that was current
   * stays in the ring, accepted for opening (rotation). In one transaction.
   *
   * @throws io.keygate.gateway.store.StoreConflictException if the ring already has {@code keyId}
   * @throws io.keygate.gateway.store.StoreNotFoundException if there is no such API
   */
  default void addCurrentKey(String apiId, Hop hop, String keyId, WrappedSecret key, Instant now)
      throws StoreException {
    addKey(apiId, hop, keyId, key, now, true);
  }

  /**
   * Adds a key to the API's ring for {@code hop}. {@code current}: it becomes the key new
   * messages are sealed under and the one that was current stays accepted (as {@link
   * #addCurrentKey}). Not current (staged rotation, since admin API 1.11): it only opens until
   * {@link #makeCurrent} promotes it, so its holders can install it first. In one transaction.
   *
   * @throws io.keygate.gateway.store.StoreConflictException if the ring already has {@code keyId}
   *     ({@code DUPLICATE}), or a key that is not current is added to a ring with no current key
   *     ({@code NO_CURRENT_KEY}: a ring always has one key to seal under)
   * @throws io.keygate.gateway.store.StoreNotFoundException if there is no such API
   */
  void addKey(String apiId, Hop hop, String keyId, WrappedSecret key, Instant now,
      boolean current) throws StoreException;

  /**
   * Makes a key of the ring current; the key that was current stays accepted. Making the current
   * key current changes nothing. In one transaction, so the ring always has exactly one current
   * key.
   *
   * @throws io.keygate.gateway.store.StoreNotFoundException if the ring has no such key
   */
  void makeCurrent(String apiId, Hop hop, String keyId) throws StoreException;

  /**
   * Removes a key that is no longer current: envelopes naming it are refused {@code
   * PayloadKeyUnknown} from then on.
   *
   * @throws io.keygate.gateway.store.StoreConflictException if it is the current key
   * @throws io.keygate.gateway.store.StoreNotFoundException if the ring has no such key
   */
  void retireKey(String apiId, Hop hop, String keyId) throws StoreException;

  /** The ring of the API for {@code hop}; empty when it holds no key. */
  Optional<PayloadKeyRing> ring(String apiId, Hop hop) throws StoreException;
}
