package io.keygate.hsm;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** The public halves of the token's EC keys: what a verifier needs, and nothing more. */
public interface PublicKeys {

  PublicKey publicKey(KeyLabel label) throws HsmException;

  /** The certificate chain stored with an EC key, leaf first. */
  List<X509Certificate> certificateChain(KeyLabel label) throws HsmException;
}
