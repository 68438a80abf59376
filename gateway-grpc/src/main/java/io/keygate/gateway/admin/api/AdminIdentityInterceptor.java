package io.keygate.gateway.admin.api;

import io.keygate.gateway.admin.access.AdminIdentity;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Only adapts: takes the caller's verified client certificate from the TLS session, gives the
 * call a request id, and puts both in the {@link Context}; sends the request id back in the
 * trailers of every reply. It decides nothing: a call without a certificate still reaches
 * {@link AdminCalls}, which refuses and audits it like every other refusal.
 */
public final class AdminIdentityInterceptor implements ServerInterceptor {
  /** The caller's identity; absent only if TLS let a call through without a certificate. */
  static final Context.Key<AdminIdentity> IDENTITY = Context.key("keygate-admin-identity");

  static final Context.Key<String> REQUEST_ID = Context.key("keygate-admin-request-id");

  public static final Metadata.Key<String> REQUEST_ID_TRAILER =
      Metadata.Key.of("x-keygate-request-id", Metadata.ASCII_STRING_MARSHALLER);

  private static final Logger LOG = System.getLogger("io.keygate.gateway.admin");

  private final Supplier<String> requestIds;

  AdminIdentityInterceptor(Supplier<String> requestIds) {
    this.requestIds = Objects.requireNonNull(requestIds, "requestIds");
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String requestId = requestIds.get();
    AdminIdentity identity = identityOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    ServerCall<Q, R> tagged = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        trailers.put(REQUEST_ID_TRAILER, requestId);
        super.close(status, trailers);
      }
    };
    Context context = Context.current().withValue(REQUEST_ID, requestId);
    if (identity != null) {
      context = context.withValue(IDENTITY, identity);
    }
    return Contexts.interceptCall(context, tagged, headers, next);
  }

  private static AdminIdentity identityOf(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
        return AdminIdentity.of(leaf);
      }
    } catch (SSLPeerUnverifiedException e) {
      // No client certificate: mTLS should have refused the handshake; AdminCalls refuses the call.
    } catch (CertificateEncodingException e) {
      LOG.log(Level.WARNING, "admin client certificate cannot be encoded: {0}", e.getMessage());
    }
    return null;
  }
}
