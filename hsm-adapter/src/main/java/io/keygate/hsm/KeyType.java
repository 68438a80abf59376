package io.keygate.hsm;

/** The kinds of keys Keygate keeps in a token, each restricted to one job by the token config. */
public enum KeyType {
  /** A generic secret used only for HMAC-SHA256 (AccessSecrets, backend signing keys). */
  HMAC_SECRET,
  /** An AES-256 key used only for AES-GCM encryption and decryption. */
  AES_256,
  /** An EC P-256 private key (with its certificate) used only to sign: TLS, CSRs, audit heads. */
  EC_P256,
  /** Something else found in the token that Keygate did not create; never used. */
  OTHER
}
