package io.keygate.gateway.proxy;

import io.grpc.HandlerRegistry;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import java.util.Objects;

/**
 * Serves every method the server does not know itself with one byte[] handler: install it with
 * {@code ServerBuilder.fallbackHandlerRegistry(...)}. The server's own services (health, admin)
 * are looked up first; whether a method exists is then the handler's decision ({@link
 * ProxyCallHandler} answers UNIMPLEMENTED for methods its resolver does not know).
 */
public final class ProxyHandlerRegistry extends HandlerRegistry {
  private final ServerCallHandler<byte[], byte[]> handler;

  public ProxyHandlerRegistry(ServerCallHandler<byte[], byte[]> handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    return ServerMethodDefinition.create(ByteMarshaller.methodDescriptor(methodName), handler);
  }
}
