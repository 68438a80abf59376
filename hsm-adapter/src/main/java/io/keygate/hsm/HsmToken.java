package io.keygate.hsm;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * One logged-in PKCS#11 token. Offers operations on keys and their metadata, never key bytes.
 * Implementations are thread-safe. Keys created by another process (keystore-admin) are found
 * without a restart: a lookup that misses re-reads the token (at most once per configured
 * interval) or the caller calls {@link #refresh()}.
 */
public interface HsmToken extends AutoCloseable {

  // ---- key lifecycle ----

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

  // ---- operations ----

  /** HMAC-SHA256 of {@code data} computed in the token. */
  byte[] mac(KeyLabel label, byte[] data) throws HsmException;

  /**
   * Computes HMAC-SHA256 in the token and compares it with {@code expectedMac} in constant time.
   * Returns false only for a computed mismatch; every failure to compute throws.
   */
  boolean verifyMac(KeyLabel label, byte[] data, byte[] expectedMac) throws HsmException;

  /** AES-256-GCM with a 128-bit tag; {@code iv} must be 12 bytes and never reused with the key. */
  byte[] encrypt(KeyLabel label, byte[] iv, byte[] aad, byte[] plaintext) throws HsmException;

  /** Inverse of {@link #encrypt}; throws {@link CiphertextRejectedException} on any tampering. */
  byte[] decrypt(KeyLabel label, byte[] iv, byte[] aad, byte[] ciphertext) throws HsmException;

  /** SHA256withECDSA signature (DER) made by a token EC key. */
  byte[] sign(KeyLabel label, byte[] data) throws HsmException;

  PublicKey publicKey(KeyLabel label) throws HsmException;

  /** The certificate chain stored with an EC key, leaf first. */
  List<X509Certificate> certificateChain(KeyLabel label) throws HsmException;

  /** A PKCS#10 certificate signing request (DER) for an EC key, signed in the token. */
  byte[] certificationRequest(KeyLabel label, CertificateProfile profile) throws HsmException;

  /** Replaces the certificate chain of an EC key; the leaf must carry the key's public key. */
  void installCertificateChain(KeyLabel label, List<X509Certificate> chain) throws HsmException;

  /** A TLS key manager that always presents the key and chain stored under {@code label}. */
  X509KeyManager tlsKeyManager(KeyLabel label) throws HsmException;

  /** {@link #tlsKeyManager} wrapped as a factory, for APIs that take one (Netty, JSSE). */
  KeyManagerFactory tlsKeyManagerFactory(KeyLabel label) throws HsmException;

  // ---- health ----

  /** What the last operation saw; cheap, for every request. */
  HsmHealth health();

  /** Talks to the token now (re-reads its key list) and returns the resulting health. */
  HsmHealth probe();

  /** Logs out and releases the token; zeroes the PIN. */
  @Override
  void close();
}
