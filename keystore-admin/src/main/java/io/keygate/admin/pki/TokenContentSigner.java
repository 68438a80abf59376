package io.keygate.admin.pki;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SigningKeys;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;

/**
 * Bouncy Castle's {@link ContentSigner} on a token EC key: BC hands over the to-be-signed bytes,
 * the token signs them with SHA256withECDSA, so the CA key never becomes a JCA object here. BC's
 * interface cannot throw checked exceptions; a token failure travels as {@link SigningFailed} and
 * {@link #rethrow} turns it back into the {@link HsmException} it was.
 */
final class TokenContentSigner implements ContentSigner {
  private static final AlgorithmIdentifier ECDSA_SHA256 =
      new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");

  private final SigningKeys token;
  private final KeyLabel label;
  private final ByteArrayOutputStream toBeSigned = new ByteArrayOutputStream();

  TokenContentSigner(SigningKeys token, KeyLabel label) {
    this.token = token;
    this.label = label;
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
      return token.sign(label, toBeSigned.toByteArray());
    } catch (HsmException e) {
      throw new SigningFailed(e);
    }
  }

  /** A BC build step that may sign with the token. */
  @FunctionalInterface
  interface Step<T> {
    T run(ContentSigner signer);
  }

  /** Runs {@code step} with a signer for {@code label}, rethrowing token failures as checked. */
  static <T> T rethrow(SigningKeys token, KeyLabel label, Step<T> step) throws HsmException {
    try {
      return step.run(new TokenContentSigner(token, label));
    } catch (SigningFailed e) {
      throw e.hsmException;
    }
  }

  private static final class SigningFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient HsmException hsmException;

    SigningFailed(HsmException cause) {
      super(cause.getMessage(), null, false, false);
      this.hsmException = cause;
    }
  }
}
