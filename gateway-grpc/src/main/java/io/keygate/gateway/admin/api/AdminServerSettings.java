package io.keygate.gateway.admin.api;

import io.keygate.hsm.KeyLabel;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Where and how the admin API listens.
 *
 * @param listen its own address, never the data plane's (e.g. {@code 127.0.0.1:8444} or a
 *     management network)
 * @param tlsKey the HSM EC key (with its certificate chain) the server presents; may be the
 *     gateway's own TLS key or a separate one
 * @param adminCas the CAs whose client certificates may connect at all (who may do what is then
 *     decided by {@link AdminPrincipals}); at least one
 */
public record AdminServerSettings(
    InetSocketAddress listen, KeyLabel tlsKey, List<X509Certificate> adminCas) {
  public AdminServerSettings {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(tlsKey, "tlsKey");
    adminCas = List.copyOf(adminCas);
    if (adminCas.isEmpty()) {
      // Mutual TLS is not optional here: without a client CA anyone could reach the admin API.
      throw new IllegalArgumentException("the admin API needs at least one admin CA");
    }
  }
}
