package io.keygate.gateway.dataplane;

import io.keygate.hsm.KeyLabel;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * How one gateway node listens and behaves.
 *
 * @param tlsKey the HSM key (with its certificate) that serves TLS
 * @param clientCas CAs for mutual TLS; empty: no client certificate asked
 * @param plaintextForDevelopment serve without TLS (loudly logged; never in production)
 * @param timestampWindow how far a request's x-ca-timestamp may be from the gateway's clock
 * @param maxConfigStaleness how old the configuration may get (store unreachable) before calls
 *     are refused with UNAVAILABLE
 * @param maxMessageBytes the largest single request or response message accepted
 */
public record GatewaySettings(
    InetSocketAddress listen,
    KeyLabel tlsKey,
    List<X509Certificate> clientCas,
    boolean plaintextForDevelopment,
    Duration timestampWindow,
    Duration maxConfigStaleness,
    int maxMessageBytes) {

  public GatewaySettings {
    clientCas = List.copyOf(clientCas);
  }

  public static GatewaySettings defaults(InetSocketAddress listen, KeyLabel tlsKey) {
    return new GatewaySettings(
        listen, tlsKey, List.of(), false, Duration.ofMinutes(5), Duration.ofSeconds(30), 16 << 20);
  }

  public GatewaySettings withTlsKey(KeyLabel key) {
    return new GatewaySettings(
        listen, key, clientCas, plaintextForDevelopment, timestampWindow, maxConfigStaleness, maxMessageBytes);
  }

  public GatewaySettings withClientCas(List<X509Certificate> cas) {
    return new GatewaySettings(
        listen, tlsKey, cas, plaintextForDevelopment, timestampWindow, maxConfigStaleness, maxMessageBytes);
  }
}
