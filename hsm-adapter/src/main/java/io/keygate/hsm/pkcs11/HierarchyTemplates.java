package io.keygate.hsm.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_GENERIC_SECRET;

import io.keygate.hsm.KekId;
import java.math.BigInteger;
import org.xipki.pkcs11.wrapper.AttributeVector;

/**
 * The attribute templates of the key hierarchy, in one place because they are its security rules
 * (docs/key-hierarchy.md):
 *
 * <ul>
 *   <li>a KEK is a trusted token object that can wrap and unwrap and nothing else, and its unwrap
 *       template forces every key it unwraps to be a sensitive, unmodifiable, verify-only HMAC
 *       key that only a trusted key may wrap: a PIN holder can unwrap a blob, but gets a key that
 *       can verify, never sign (forge) nor be read, changed or wrapped under a key of their own;
 *   <li>the data plane unwraps into non-extractable session objects; KEK rotation into
 *       extractable ones, which only another trusted KEK can wrap;
 *   <li>a new secret is made extractable for exactly two wraps (KEK, recipient or a batch's
 *       transport key) and destroyed;
 *   <li>a batch's transport key is an AES key that can wrap and nothing else, extractable only so
 *       it can be encrypted to the requester, and destroyed at the end of the call.
 * </ul>
 */
final class HierarchyTemplates {
  static final int KEK_BYTES = 32;

  private HierarchyTemplates() {}

  /**
   * What the KEK's CKA_UNWRAP_TEMPLATE forces; every unwrap template below must agree with it.
   * SoftHSM applies a template in the order it was built and refuses any attribute set after
   * CKA_MODIFIABLE=false, so that one always comes last.
   */
  static AttributeVector forcedOnUnwrap() {
    return forced().modifiable(false);
  }

  private static AttributeVector forced() {
    return AttributeVector.newSecretKey(CKK_GENERIC_SECRET)
        .sign(false)
        .verify(true)
        .sensitive(true)
        .wrapWithTrusted(true);
  }

  static AttributeVector kek(KekId id) {
    return AttributeVector.newAESSecretKey()
        .valueLen(KEK_BYTES)
        .token(true)
        // Only the SO can mark a key trusted, and the SO cannot make private objects: a KEK is
        // visible without login, but it still cannot be read, and it can only make verify-only keys.
        .private_(false)
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
        .label(id.label().value())
        .unwrapTemplate(forcedOnUnwrap())
        .modifiable(false);
  }

  /**
   * The data plane's working copy: a session object that nobody can extract. Public
   * (CKA_PRIVATE=false), because it loses nothing by it and the check gains much: a session object
   * is seen by this process's sessions alone, and they are all logged in (login is per
   * application); it stays sensitive and non-extractable, so no session reads its value. SoftHSM2
   * keeps a private object's value encrypted under the token key and decrypts it again on every
   * C_VerifyInit (a fresh random mask, an AES context): a fifth to a half of the check's time in
   * JMH (docs/key-hierarchy.md, "Public working copies"). A token that refuses public secret keys
   * gets private copies instead ({@link WorkingCopyPrivacy}).
   */
  static AttributeVector verifyOnlySessionKey() {
    return verifyOnlySessionKey(true);
  }

  /** The working copy, public or private (for a token that refuses public secret keys). */
  static AttributeVector verifyOnlySessionKey(boolean isPublic) {
    return forced().token(false).private_(!isPublic).extractable(false).derive(false)
        .modifiable(false);
  }

  /** A copy for rewrapping under another KEK: extractable, but only to trusted keys. */
  static AttributeVector rewrapSessionKey() {
    return forced().token(false).private_(true).extractable(true).derive(false).modifiable(false);
  }

  /** A new secret, extractable so it can be wrapped under the KEK and to the recipient. */
  static AttributeVector newSecret(int bytes) {
    return AttributeVector.newSecretKey(CKK_GENERIC_SECRET)
        .valueLen(bytes)
        .token(false)
        .private_(true)
        .sensitive(true)
        .extractable(true)
        .sign(false)
        .verify(true)
        .derive(false);
  }

  /** A batch's one-time AES-256 transport key: wraps the batch's secrets for the requester. */
  static AttributeVector transportKey() {
    return AttributeVector.newAESSecretKey()
        .valueLen(32)
        .token(false)
        .private_(true)
        .sensitive(true)
        .extractable(true)
        .wrap(true)
        .unwrap(false)
        .encrypt(false)
        .decrypt(false)
        .sign(false)
        .verify(false)
        .derive(false);
  }

  /** The recipient's public key as a session object that may wrap once. */
  static AttributeVector recipient(BigInteger modulus, BigInteger exponent) {
    return AttributeVector.newRSAPublicKey()
        .token(false)
        .wrap(true)
        .encrypt(false)
        .verify(false)
        .modulus(modulus)
        .publicExponent(exponent);
  }
}
