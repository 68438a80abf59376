package io.keygate.hsm;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One logged-in PKCS#11 token with every capability: what a composition root opens and then hands
 * out piece by piece. Consumers should take the narrowest interface they use ({@link MacKeys},
 * {@link AeadKeys}, {@link SigningKeys}, {@link PublicKeys}, {@link CertificateEnrolment}, {@link
 * TlsKeys}, {@link KeyAdministration}, {@link TokenHealth}), so that, say, an audit reader that
 * needs public keys cannot destroy one.
 *
 * <p>Implementations are thread-safe, offer operations on keys and their metadata, never key
 * bytes. Keys created by another process (keystore-admin) are found without a restart: a lookup
 * that misses re-reads the token (at most once per configured interval) or the caller calls
 * {@link #refresh()}.
 */
public interface HsmToken
    extends MacKeys,
        AeadKeys,
        SigningKeys,
        CertificateEnrolment,
        TlsKeys,
        KeyAdministration,
        TokenHealth,
        AutoCloseable {

  // Declared in PublicKeys and TlsKeys alike; one meaning: the chain stored with an EC key.
  @Override
  List<X509Certificate> certificateChain(KeyLabel label) throws HsmException;

  /** Logs out and releases the token; zeroes the PIN. */
  @Override
  void close();
}
