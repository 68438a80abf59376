package io.keygate.gateway.server;

import io.grpc.netty.GrpcSslContexts;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
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

  /**
   * @param clientCas CAs whose client certificates are accepted; empty means no client
   *     certificate is asked for
   */
  public static SslContext serverContext(HsmToken hsm, KeyLabel tlsKey, List<X509Certificate> clientCas)
      throws HsmException, SSLException {
    SslContextBuilder builder =
        GrpcSslContexts.configure(
                SslContextBuilder.forServer(hsm.tlsKeyManagerFactory(tlsKey)), SslProvider.JDK)
            .protocols("TLSv1.3", "TLSv1.2");
    if (!clientCas.isEmpty()) {
      builder.trustManager(clientCas.toArray(X509Certificate[]::new)).clientAuth(ClientAuth.REQUIRE);
    }
    return builder.build();
  }
}
