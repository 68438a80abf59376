package io.keygate.hsm.pkcs11;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmHealth;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.InvalidMacException;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.Pin;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.cert.CertificateBuilder;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * {@link HsmToken} on SunPKCS11, for any PKCS#11 library SunPKCS11 can open (docs/
 * pkcs11-libraries.md). It only assembles: a {@link Pkcs11Session} (login, canary, the call log)
 * and one class per capability, and hands each call to the class that does that job. A
 * composition root opens it and passes each consumer only the capability interface it uses.
 */
public final class SunPkcs11Token implements HsmToken {
  /** SoftHSM refuses shorter HMAC keys, and shorter AccessSecrets would be too weak anyway. */
  public static final int MIN_HMAC_SECRET_BYTES = Pkcs11Session.MIN_HMAC_SECRET_BYTES;

  /** The health canary's label: see {@link #isHealthCanary}. Never destroy it. */
  public static final KeyLabel CANARY = Pkcs11Session.CANARY;

  private final Pkcs11Session session;
  private final Pkcs11Macs macs;
  private final Pkcs11Aead aead;
  private final Pkcs11Signer signer;
  private final Pkcs11Certificates certificates;
  private final Pkcs11TlsKeys tls;
  private final Pkcs11KeyAdministration admin;

  private SunPkcs11Token(Pkcs11Session session) {
    Pkcs11TokenOptions options = session.options();
    CertificateBuilder certificateBuilder = new CertificateBuilder(options.random());
    this.session = session;
    this.macs = new Pkcs11Macs(session);
    this.aead = new Pkcs11Aead(session, options.random());
    this.signer = new Pkcs11Signer(session);
    this.certificates = new Pkcs11Certificates(session, signer, certificateBuilder);
    this.tls = new Pkcs11TlsKeys(signer);
    this.admin = new Pkcs11KeyAdministration(session, signer, certificateBuilder);
  }

  /**
   * Opens the token described by a SunPKCS11 config file (see softhsm-config/) and logs in. The
   * token takes ownership of {@code pin} and zeroes it on {@link #close()}. The library's own
   * environment (SOFTHSM2_CONF for SoftHSM) must already be in this process's environment.
   */
  public static SunPkcs11Token open(Path configFile, Pin pin, Pkcs11TokenOptions options)
      throws HsmException {
    return new SunPkcs11Token(Pkcs11Session.open(configFile, pin, options));
  }

  // ---- MacKeys

  @Override
  public byte[] mac(KeyLabel label, byte[] data) throws HsmException {
    return macs.mac(label, data);
  }

  @Override
  public void verifyMac(KeyLabel label, byte[] data, byte[] expectedMac)
      throws InvalidMacException, HsmException {
    macs.verifyMac(label, data, expectedMac);
  }

  // ---- AeadKeys

  @Override
  public byte[] encrypt(KeyLabel label, byte[] plaintext, byte[] aad) throws HsmException {
    return aead.encrypt(label, plaintext, aad);
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, byte[] aad, Set<KeyLabel> acceptedKeys)
      throws HsmException {
    return aead.decrypt(ciphertext, aad, acceptedKeys);
  }

  // ---- SigningKeys, PublicKeys, CertificateEnrolment

  @Override
  public byte[] sign(KeyLabel label, byte[] data) throws HsmException {
    return signer.sign(label, data);
  }

  @Override
  public PublicKey publicKey(KeyLabel label) throws HsmException {
    return signer.publicKey(label);
  }

  @Override
  public List<X509Certificate> certificateChain(KeyLabel label) throws HsmException {
    return signer.certificateChain(label);
  }

  @Override
  public byte[] certificationRequest(KeyLabel label, CertificateProfile profile)
      throws HsmException {
    return certificates.certificationRequest(label, profile);
  }

  @Override
  public void installCertificateChain(KeyLabel label, List<X509Certificate> chain)
      throws HsmException {
    certificates.installCertificateChain(label, chain);
  }

  // ---- TlsKeys

  @Override
  public X509KeyManager tlsKeyManager(KeyLabel label) throws HsmException {
    return tls.tlsKeyManager(label);
  }

  @Override
  public KeyManagerFactory tlsKeyManagerFactory(KeyLabel label) throws HsmException {
    return tls.tlsKeyManagerFactory(label);
  }

  // ---- KeyAdministration

  @Override
  public KeyInfo importHmacSecret(KeyLabel label, SecretBytes secret) throws HsmException {
    return admin.importHmacSecret(label, secret);
  }

  @Override
  public KeyInfo generateAesKey(KeyLabel label) throws HsmException {
    return admin.generateAesKey(label);
  }

  @Override
  public KeyInfo generateEcKey(KeyLabel label, CertificateProfile profile) throws HsmException {
    return admin.generateEcKey(label, profile);
  }

  @Override
  public List<KeyInfo> listKeys() throws HsmException {
    return admin.listKeys();
  }

  @Override
  public Optional<KeyInfo> describeKey(KeyLabel label) throws HsmException {
    return admin.describeKey(label);
  }

  @Override
  public void destroyKey(KeyLabel label) throws HsmException {
    admin.destroyKey(label);
  }

  @Override
  public void refresh() throws HsmException {
    admin.refresh();
  }

  @Override
  public boolean isHealthCanary(KeyLabel label) {
    return admin.isHealthCanary(label);
  }

  /**
   * Tries to read the key's value out of the token the way any JCA caller could (Key.getEncoded).
   * True would mean the key is exposed; whatever came out is zeroed. For demos and tests.
   */
  public boolean valueReadable(KeyLabel label) throws HsmException {
    return admin.valueReadable(label);
  }

  // ---- TokenHealth

  @Override
  public HsmHealth health() {
    return session.health();
  }

  @Override
  public HsmHealth probe() {
    return session.probe();
  }

  @Override
  public void close() {
    session.close();
  }

  @Override
  public String toString() {
    return "SunPkcs11Token[" + session.name() + ", " + session.health().status() + "]";
  }
}
