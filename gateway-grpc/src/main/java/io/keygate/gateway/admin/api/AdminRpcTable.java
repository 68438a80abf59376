package io.keygate.gateway.admin.api;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.keygate.proto.admin.v1.AdminServiceGrpc;
import java.util.function.BiConsumer;

/**
 * The admin service's method table while {@link AdminRpcs} groups fill it. {@link #build()} fails
 * when an RPC of {@code keygate.admin.v1.AdminService} has no handler, or one has two: a node
 * never starts with an admin API that answers UNIMPLEMENTED to a method its clients know.
 */
final class AdminRpcTable {
  private final ServerServiceDefinition.Builder builder =
      ServerServiceDefinition.builder(AdminServiceGrpc.getServiceDescriptor());

  /** Serves {@code method} (every admin RPC is unary) with {@code handler}. */
  <Q, R> void unary(MethodDescriptor<Q, R> method, BiConsumer<Q, StreamObserver<R>> handler) {
    builder.addMethod(method, ServerCalls.asyncUnaryCall(handler::accept));
  }

  /** @throws IllegalStateException if an RPC of the service has no handler */
  ServerServiceDefinition build() {
    return builder.build();
  }
}
