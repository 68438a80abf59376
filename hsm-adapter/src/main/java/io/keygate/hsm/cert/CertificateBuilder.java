package io.keygate.hsm.cert;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmOperationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Builds X.509 certificates and PKCS#10 requests with Bouncy Castle, signed by a {@link
 * DataSigner} (the token), so the private key never has to be a JCA object here.
 */
public final class CertificateBuilder {
  private final SecureRandom random;

  public CertificateBuilder(SecureRandom random) {
    this.random = random;
  }

  /**
   * A self-signed end-entity certificate for TLS server and client use. {@code keyName} goes into
   * the subject as its serialNumber, so no two keys in a token have certificates with the same
   * subject (SunPKCS11's key store mixes up entries whose certificates share a subject).
   */
  public X509Certificate selfSigned(
      PublicKey publicKey,
      CertificateProfile profile,
      String keyName,
      DataSigner signer,
      Instant now)
      throws HsmException {
    X500Name subject = subjectOf(profile, keyName);
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            subject,
            new BigInteger(127, random).add(BigInteger.ONE),
            Date.from(now),
            Date.from(now.plus(profile.validity())),
            subject,
            publicKey);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      GeneralNames sans = subjectAltNames(profile);
      if (sans != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      X509CertificateHolder holder = build(signer, builder::build);
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (IOException | CertificateException e) {
      throw new HsmOperationException("could not build certificate", null, e);
    }
  }

  /**
   * A DER-encoded PKCS#10 request carrying the profile's subject (with {@code keyName} as the
   * serialNumber, as in {@link #selfSigned}) and SANs.
   */
  public byte[] certificationRequest(
      PublicKey publicKey, CertificateProfile profile, String keyName, DataSigner signer)
      throws HsmException {
    JcaPKCS10CertificationRequestBuilder builder =
        new JcaPKCS10CertificationRequestBuilder(subjectOf(profile, keyName), publicKey);
    try {
      GeneralNames sans = subjectAltNames(profile);
      if (sans != null) {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false, sans);
        builder.addAttribute(
            PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      }
      PKCS10CertificationRequest request = build(signer, builder::build);
      return request.getEncoded();
    } catch (IOException e) {
      throw new HsmOperationException("could not build certification request", null, e);
    }
  }

  private static X500Name subjectOf(CertificateProfile profile, String keyName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.CN, profile.commonName())
        .addRDN(BCStyle.SERIALNUMBER, keyName)
        .build();
  }

  private static GeneralNames subjectAltNames(CertificateProfile profile) {
    List<GeneralName> names = new ArrayList<>();
    profile.dnsNames().forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
    profile.ipAddresses().forEach(n -> names.add(new GeneralName(GeneralName.iPAddress, n)));
    return names.isEmpty() ? null : new GeneralNames(names.toArray(GeneralName[]::new));
  }

  /** Runs a BC build step whose signer reports HSM failures unchecked, and rethrows them. */
  private static <T> T build(DataSigner signer, java.util.function.Function<ContentSigner, T> step)
      throws HsmException {
    TokenContentSigner contentSigner = new TokenContentSigner(signer);
    try {
      return step.apply(contentSigner);
    } catch (SigningFailed e) {
      throw e.hsmException;
    }
  }

  /** Adapts a {@link DataSigner} to Bouncy Castle's signer, buffering the to-be-signed bytes. */
  private static final class TokenContentSigner implements ContentSigner {
    private static final AlgorithmIdentifier ECDSA_SHA256 =
        new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
    private final DataSigner signer;
    private final ByteArrayOutputStream toBeSigned = new ByteArrayOutputStream();

    TokenContentSigner(DataSigner signer) {
      this.signer = signer;
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
      return ECDSA_SHA256;
    }

    @Override
    public OutputStream getOutputStream() {
      return toBeSigned;
    }

    @Override
    public byte[] getSignature() {
      try {
        return signer.sign(toBeSigned.toByteArray());
      } catch (HsmException e) {
        throw new SigningFailed(e);
      }
    }
  }

  private static final class SigningFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient HsmException hsmException;

    SigningFailed(HsmException e) {
      super(e.getMessage(), null, false, false);
      this.hsmException = e;
    }
  }

}
