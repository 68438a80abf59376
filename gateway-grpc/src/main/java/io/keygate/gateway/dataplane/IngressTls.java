package io.keygate.gateway.dataplane;

import io.grpc.netty.GrpcSslContexts;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.TlsKeys;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.tls.RotatingKeyManager;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The TLS side of the ingress: the private key stays in the HSM (the JDK's TLS stack signs the
 * handshake through the token's provider; OpenSSL could not use it), TLS 1.3 with 1.2 allowed,
 * and mutual TLS when client CAs are configured.
 */
public final class IngressTls {
  private IngressTls() {}

  /** The listener's key manager, starting with {@code tlsKey}. */
  public static RotatingKeyManager keys(TlsKeys hsm, KeyLabel tlsKey) throws HsmException {
    return new RotatingKeyManager(tlsKey.value(), hsm.tlsKeyManager(tlsKey));
  }

  /**
   * @param keys the listener's key, replaceable while it serves (TLS key rotation)
   * @param clientCas CAs whose client certificates are accepted; empty means no client
   *     certificate is asked for
   */
  public static SslContext serverContext(RotatingKeyManager keys, List<X509Certificate> clientCas)
      throws SSLException {
    SslContextBuilder builder =
        GrpcSslContexts.configure(SslContextBuilder.forServer(keys.asFactory()), SslProvider.JDK)
            .protocols("TLSv1.3", "TLSv1.2");
    if (!clientCas.isEmpty()) {
      builder.trustManager(clientCas.toArray(X509Certificate[]::new)).clientAuth(ClientAuth.REQUIRE);
    }
    return builder.build();
  }
}
