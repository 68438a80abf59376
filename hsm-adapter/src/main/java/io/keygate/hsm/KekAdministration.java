package io.keygate.hsm;

import java.util.List;

/**
 * Generating and destroying key-encryption keys: the security officer's job, done logged in with
 * the SO PIN, because only the SO can mark a key trusted ({@code CKA_TRUSTED}) and only a trusted
 * key may wrap a secret that was made with {@code CKA_WRAP_WITH_TRUSTED}. See
 * docs/key-hierarchy.md.
 */
public interface KekAdministration {

  /**
   * Generates an AES-256 KEK inside the token: a token object, sensitive, never extractable,
   * trusted, able to wrap and unwrap only, whose unwrap template forces every key it unwraps to be
   * a sensitive, unmodifiable, verify-only HMAC key that only a trusted key may wrap.
   *
   * @throws KeyAlreadyExistsException if the token already holds that KEK
   */
  void generateKek(KekId id) throws HsmException;

  /**
   * Generates an AES-256 payload KEK ({@link KekId#payloadLabel()}): like {@link #generateKek}, but
   * its unwrap template forces every key it unwraps to be a sensitive, unmodifiable AES key that
   * can neither sign, verify, wrap, unwrap nor derive (docs/payload-encryption.md).
   *
   * @throws KeyAlreadyExistsException if the token already holds that payload KEK
   */
  void generatePayloadKek(KekId id) throws HsmException;

  /** The KEKs the token holds. */
  List<KekId> listKeks() throws HsmException;

  /** Destroys a KEK. Blobs wrapped under it become useless: rewrap them first. */
  void destroyKek(KekId id) throws HsmException;
}
