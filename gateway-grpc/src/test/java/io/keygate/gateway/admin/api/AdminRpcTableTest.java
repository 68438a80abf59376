package io.keygate.gateway.admin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.keygate.proto.admin.v1.AdminServiceGrpc;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The admin service is bound from groups of RPCs: a group that forgets an RPC, or two groups that
 * both claim one, must stop the node at start, not answer UNIMPLEMENTED (or the wrong handler)
 * to a client later.
 */
class AdminRpcTableTest {
  private static final List<MethodDescriptor<?, ?>> ALL = AdminServiceGrpc.getServiceDescriptor()
      .getMethods().stream().<MethodDescriptor<?, ?>>map(m -> m).toList();

  @Test
  void everyRpcBound_buildsTheWholeService() {
    AdminRpcTable table = new AdminRpcTable();
    ALL.forEach(method -> bindRefusing(table, method));

    ServerServiceDefinition service = table.build();

    assertThat(service.getMethods()).hasSize(ALL.size());
    assertThat(service.getServiceDescriptor().getName()).isEqualTo("keygate.admin.v1.AdminService");
  }

  @Test
  void anRpcLeftUnbound_failsTheBuild() {
    AdminRpcTable table = new AdminRpcTable();
    ALL.stream().skip(1).forEach(method -> bindRefusing(table, method));

    assertThatThrownBy(table::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(ALL.get(0).getFullMethodName());
  }

  @Test
  void anRpcBoundTwice_failsAtOnce() {
    AdminRpcTable table = new AdminRpcTable();
    bindRefusing(table, ALL.get(0));

    assertThatThrownBy(() -> bindRefusing(table, ALL.get(0)))
        .isInstanceOf(IllegalStateException.class);
  }

  @SuppressWarnings("unchecked")
  private static <Q, R> void bindRefusing(AdminRpcTable table, MethodDescriptor<?, ?> method) {
    table.unary((MethodDescriptor<Q, R>) method,
        (request, out) -> out.onError(Status.UNIMPLEMENTED.asRuntimeException()));
  }
}
