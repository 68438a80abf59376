package io.keygate.hsm.pkcs11;

import io.keygate.hsm.KekId;
import org.xipki.pkcs11.wrapper.AttributeVector;

/**
 * The attribute templates of payload encryption (docs/payload-encryption.md), in one place because
 * they are its security rules:
 *
 * <ul>
 *   <li>a payload KEK is a trusted token object that can wrap and unwrap and nothing else; its
 *       unwrap template forces every key it unwraps to be a sensitive, unmodifiable AES key that
 *       cannot sign, verify, wrap, unwrap or derive, and that only a trusted key may wrap;
 *   <li>the data plane unwraps a payload key twice at most, into non-extractable session objects
 *       that can encrypt only or decrypt only: neither copy can do the other's job;
 *   <li>a new payload key is made extractable for exactly two wraps (KEK and recipient) and
 *       destroyed.
 * </ul>
 *
 * The unwrap template leaves CKA_ENCRYPT and CKA_DECRYPT to the unwrapping call: a gateway must be
 * able to make either copy. A holder of the user PIN can therefore decrypt payloads with a blob from
 * the DB, which is what the gateway does for them; they never read the key.
 */
final class PayloadKeyTemplates {
  static final int AES_256_BYTES = 32;

  private PayloadKeyTemplates() {}

  /** What the payload KEK's CKA_UNWRAP_TEMPLATE forces; CKA_MODIFIABLE=false comes last. */
  static AttributeVector forcedOnUnwrap() {
    return forced().modifiable(false);
  }

  private static AttributeVector forced() {
    return AttributeVector.newAESSecretKey()
        .sign(false)
        .verify(false)
        .wrap(false)
        .unwrap(false)
        .derive(false)
        .sensitive(true)
        .wrapWithTrusted(true);
  }

  static AttributeVector payloadKek(KekId id) {
    return AttributeVector.newAESSecretKey()
        .valueLen(HierarchyTemplates.KEK_BYTES)
        .token(true)
        .private_(false) // the SO makes only public objects (docs/key-hierarchy.md)
        .trusted(true)
        .sensitive(true)
        .extractable(false)
        .wrap(true)
        .unwrap(true)
        .encrypt(false)
        .decrypt(false)
        .sign(false)
        .verify(false)
        .derive(false)
        .label(id.payloadLabel().value())
        .unwrapTemplate(forcedOnUnwrap())
        .modifiable(false);
  }

  /**
   * The data plane's sealing copy: encrypts, nothing else, never leaves the token. Public, as the
   * MAC check's working copy and for the same reason ({@link HierarchyTemplates#verifyOnlySessionKey}).
   */
  static AttributeVector encryptOnlySessionKey() {
    return encryptOnlySessionKey(true);
  }

  /** The sealing copy, public or private (for a token that refuses public secret keys). */
  static AttributeVector encryptOnlySessionKey(boolean isPublic) {
    return forced().token(false).private_(!isPublic).extractable(false).encrypt(true)
        .decrypt(false).modifiable(false);
  }

  /** The data plane's opening copy: decrypts, nothing else, never leaves the token. Public too. */
  static AttributeVector decryptOnlySessionKey() {
    return decryptOnlySessionKey(true);
  }

  /** The opening copy, public or private (for a token that refuses public secret keys). */
  static AttributeVector decryptOnlySessionKey(boolean isPublic) {
    return forced().token(false).private_(!isPublic).extractable(false).encrypt(false)
        .decrypt(true).modifiable(false);
  }

  /** A copy for rewrapping under another payload KEK: extractable, but only to trusted keys. */
  static AttributeVector rewrapSessionKey() {
    return forced().token(false).private_(true).extractable(true).encrypt(false).decrypt(false)
        .modifiable(false);
  }

  /** A new payload key, extractable so it can be wrapped under the KEK and to the recipient. */
  static AttributeVector newPayloadKey() {
    return AttributeVector.newAESSecretKey()
        .valueLen(AES_256_BYTES)
        .token(false)
        .private_(true)
        .sensitive(true)
        .extractable(true)
        .encrypt(false)
        .decrypt(false)
        .sign(false)
        .verify(false)
        .wrap(false)
        .unwrap(false)
        .derive(false);
  }
}
