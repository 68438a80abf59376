package io.keygate.admin.remote;

import java.nio.file.Path;

/**
 * Where the gateway's admin API listens and who we are to it: mutual TLS only, the officer's
 * identity is the client certificate.
 *
 * @param target host:port of the admin port
 * @param clientCertificate PEM certificate (chain) of the officer
 * @param clientKey PEM PKCS#8 private key of the officer (0600)
 * @param trustedCa PEM CA certificate(s) that issued the gateway's admin TLS certificate
 */
public record AdminEndpoint(String target, Path clientCertificate, Path clientKey, Path trustedCa) {

  @Override
  public String toString() {
    // The key path is a location, not a secret, but there is no reason to print it in errors.
    return "AdminEndpoint[" + target + ", cert=" + clientCertificate + "]";
  }
}
