package io.keygate.hsm;

/** EC P-256 keys that sign inside the token (a Tink "PublicKeySign" primitive). */
public interface SigningKeys extends PublicKeys {

  /** SHA256withECDSA signature (DER) made by a token EC key. */
  byte[] sign(KeyLabel label, byte[] data) throws HsmException;
}
