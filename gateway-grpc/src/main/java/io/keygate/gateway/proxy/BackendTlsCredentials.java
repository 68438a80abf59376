package io.keygate.gateway.proxy;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettySslContextChannelCredentials;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.BackendTls;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.TlsKeys;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Backend credentials from the officers' policies. TLS verifies the backend's chain against the
 * policy's trust anchors only (never the JDK's default CAs) and its name against the policy's
 * server name (the channel's authority, see {@link BackendChannels}); mutual TLS also presents the
 * client certificate of the HSM key the policy names: the handshake signs in the token, through
 * {@link TlsKeys}, and the key never leaves it.
 */
final class BackendTlsCredentials implements BackendCredentials {
  private final Function<BackendTarget, Optional<BackendTls>> policies;
  private final TlsKeys keys;

  BackendTlsCredentials(Function<BackendTarget, Optional<BackendTls>> policies, TlsKeys keys) {
    this.policies = Objects.requireNonNull(policies, "policies");
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  @Override
  public Optional<BackendTls> policyFor(BackendTarget target) {
    return policies.apply(target);
  }

  @Override
  public ChannelCredentials credentials(Optional<BackendTls> policy) throws BackendTlsException {
    if (policy.isEmpty() || policy.get().mode() == BackendTls.Mode.PLAINTEXT) {
      return InsecureChannelCredentials.create();
    }
    BackendTls tls = policy.get();
    // The JDK's TLS stack, as on the ingress: it signs through the token's provider, where
    // OpenSSL could not use a key that stays in the HSM.
    SslContextBuilder builder =
        GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
            .protocols("TLSv1.3", "TLSv1.2")
            .trustManager(trustManagers(tls.trustAnchors()));
    if (tls.mode() == BackendTls.Mode.MTLS) {
      try {
        builder.keyManager(keys.tlsKeyManagerFactory(tls.clientKey().orElseThrow()));
      } catch (HsmException e) {
        throw new BackendTlsException("backend " + tls.target() + ": client key "
            + tls.clientKey().orElseThrow() + " is not usable", e);
      }
    }
    try {
      return NettySslContextChannelCredentials.create(builder.build());
    } catch (SSLException e) {
      throw new BackendTlsException("backend " + tls.target() + ": no TLS context", e);
    }
  }

  private static TrustManagerFactory trustManagers(List<X509Certificate> anchors)
      throws BackendTlsException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        store.setCertificateEntry("anchor-" + i, anchors.get(i));
      }
      // PKIX from the JDK's own provider: the trust decision stays in well-tested code.
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX", "SunJSSE");
      factory.init(store);
      return factory;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new BackendTlsException("trust anchors cannot be loaded", e);
    }
  }
}
