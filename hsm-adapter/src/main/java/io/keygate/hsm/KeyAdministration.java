package io.keygate.hsm;

import java.util.List;
import java.util.Optional;

/**
 * Creating, listing and destroying keys (Tink's key management, as opposed to its primitives).
 * Only officers' tools and the admin plane hold this; the data plane never does.
 */
public interface KeyAdministration {

  /**
   * Imports an HMAC secret (at least 32 bytes) as a sensitive, non-extractable token key. Refuses
   * to overwrite an existing label.
   */
  KeyInfo importHmacSecret(KeyLabel label, SecretBytes secret) throws HsmException;

  /** Generates an AES-256 key inside the token. */
  KeyInfo generateAesKey(KeyLabel label) throws HsmException;

  /**
   * Generates an EC P-256 key pair inside the token and stores it with a self-signed certificate
   * (signed by the new key) made from {@code profile}.
   */
  KeyInfo generateEcKey(KeyLabel label, CertificateProfile profile) throws HsmException;

  List<KeyInfo> listKeys() throws HsmException;

  Optional<KeyInfo> describeKey(KeyLabel label) throws HsmException;

  void destroyKey(KeyLabel label) throws HsmException;

  /** Re-reads the token's key list now, e.g. after another process changed it. */
  void refresh() throws HsmException;

  /**
   * Whether {@code label} names the key the adapter keeps to tell "key gone" from "token gone";
   * tools hide it from listings and refuse to destroy it.
   */
  boolean isHealthCanary(KeyLabel label);
}
