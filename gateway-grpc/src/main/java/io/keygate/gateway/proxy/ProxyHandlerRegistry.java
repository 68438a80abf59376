package io.keygate.gateway.proxy;

import io.grpc.HandlerRegistry;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import java.util.Objects;

/**
 * Serves every method the server does not know itself with one byte[] handler: install it with
 * {@code ServerBuilder.fallbackHandlerRegistry(...)}. The services registered on the same server
 * (on the gateway's listener: health and reflection; the admin API has a server of its own) are
 * looked up first; whether a method exists is then the handler's decision (the gateway's handler
 * answers UNIMPLEMENTED for a method no API is registered for, and so does {@link
 * ProxyCallHandler} for a method its resolver does not know).
 */
public final class ProxyHandlerRegistry extends HandlerRegistry {
  private final ServerCallHandler<byte[], byte[]> handler;
  private final MethodDescriptor.Marshaller<byte[]> requests;

  public ProxyHandlerRegistry(ServerCallHandler<byte[], byte[]> handler) {
    this(handler, ByteMarshaller.instance());
  }

  /** @param requests reads request messages (the gateway bounds them before authentication) */
  public ProxyHandlerRegistry(
      ServerCallHandler<byte[], byte[]> handler, MethodDescriptor.Marshaller<byte[]> requests) {
    this.handler = Objects.requireNonNull(handler, "handler");
    this.requests = Objects.requireNonNull(requests, "requests");
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    return ServerMethodDefinition.create(
        ByteMarshaller.methodDescriptor(methodName, requests), handler);
  }
}
