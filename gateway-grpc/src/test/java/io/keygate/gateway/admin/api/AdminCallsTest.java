package io.keygate.gateway.admin.api;

import io.keygate.gateway.admin.RecordingAuditLog;
import io.keygate.gateway.admin.TestAdminCa;
import io.keygate.gateway.admin.access.AdminAction;
import io.keygate.gateway.admin.access.AdminIdentity;
import io.keygate.gateway.admin.access.AdminPolicy;
import io.keygate.gateway.admin.access.AdminPrincipal;
import io.keygate.gateway.admin.access.AdminPrincipals;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.Status;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.audit.AuditEvent.Outcome;
import io.keygate.gateway.model.InvalidValueException;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.keygate.gateway.store.jdbc.JdbcPrincipalStore;
import io.keygate.hsm.testing.MutableClock;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one path every RPC takes, driven directly: no network, a real H2 principals table. */
class AdminCallsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final AtomicInteger refreshes = new AtomicInteger();
  private ConfigDatabase database;
  private AdminPrincipals principals;
  private AdminIdentity officer;

  @BeforeEach
  void open(@TempDir Path dir) throws Exception {
    database = ConfigDatabase.open(ConfigDatabaseSettings.embeddedH2(dir));
    principals = new AdminPrincipals(database.principals(), clock);
    officer = new TestAdminCa("CN=CA").issue("CN=officer").identity();
    principals.add(AdminPrincipal.officer(officer.sha256()));
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void allowedWrite_refreshesTheSnapshot_auditsSuccess_thenReplies() {
    Reply<String> reply = serve(
        calls(principals, () -> refreshes.incrementAndGet()),
        officer,
        AdminAction.TENANT_CREATE,
        c -> "done");

    assertThat(reply.value).isEqualTo("done");
    assertThat(refreshes).hasValue(1);
    AuditEvent e = audit.last();
    assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(e.requestId()).isEqualTo("req-1");
    assertThat(e.time()).isEqualTo(clock.instant());
  }

  @Test
  void reads_andPrincipalChanges_doNotRefreshTheSnapshot() {
    AdminCalls calls = calls(principals, () -> refreshes.incrementAndGet());
    serve(calls, officer, AdminAction.TENANT_LIST, c -> "x");
    serve(calls, officer, AdminAction.PRINCIPAL_ADD, c -> "x");

    assertThat(refreshes).hasValue(0);
  }

  @Test
  void aFailingRefreshHook_doesNotFailTheCommittedWrite() {
    Reply<String> reply = serve(
        calls(principals, () -> {
          throw new IllegalStateException("database gone");
        }),
        officer,
        AdminAction.TENANT_CREATE,
        c -> "done");

    assertThat(reply.value).isEqualTo("done");
    assertThat(audit.last().outcome()).isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void whenThePrincipalsTableCannotBeRead_theCallIsUnavailable_andAuditedAsFailed() {
    DataSource dead = (DataSource) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          throw new SQLException("connection refused");
        });

    Reply<String> reply = serve(
        calls(new AdminPrincipals(new JdbcPrincipalStore(dead), clock), () -> {}),
        officer,
        AdminAction.TENANT_LIST,
        c -> "secret data");

    assertThat(reply.status()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(reply.error.getStatus().getDescription())
        .isEqualTo(AdminError.CONFIG_UNAVAILABLE.message());
    assertThat(audit.last().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(audit.last().role()).isEqualTo("unknown");
  }

  @Test
  void aBugInAnOperation_isInternal_andItsMessageStaysInTheServer() {
    Reply<String> reply =
        serve(calls(principals, () -> {}), officer, AdminAction.TENANT_LIST, c -> {
          throw new IllegalStateException("row 7 of table tenants is weird");
        });

    assertThat(reply.status()).isEqualTo(Status.Code.INTERNAL);
    assertThat(reply.error.getStatus().getDescription()).isEqualTo("internal error");
    assertThat(audit.last().detail()).isEqualTo("InternalError");
  }

  @Test
  void anUnexpectedIllegalArgumentException_isABug_internal_withTheDetailOnlyInTheLog() {
    IllegalArgumentException bug =
        new IllegalArgumentException("unsupported parameter type class Foo for tenant globex");
    List<LogRecord> logged = new ArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger adminLog =
        java.util.logging.Logger.getLogger("io.keygate.gateway.admin");
    adminLog.addHandler(handler);
    Reply<String> reply;
    try {
      reply = serve(calls(principals, () -> {}), officer, AdminAction.TENANT_LIST, c -> {
        throw bug;
      });
    } finally {
      adminLog.removeHandler(handler);
    }

    assertThat(reply.status()).isEqualTo(Status.Code.INTERNAL);
    assertThat(reply.error.getStatus().getDescription()).isEqualTo(AdminError.INTERNAL.message());
    assertThat(reply.error.getTrailers().get(AdminErrors.ERROR_CODE)).isEqualTo("InternalError");
    assertThat(reply.error.getStatus().getCause()).isNull();
    assertThat(reply.error.getStatus() + " " + reply.error.getTrailers())
        .doesNotContain("globex", "Foo");
    assertThat(audit.last().detail()).isEqualTo("InternalError");
    // The server keeps the detail: the stack trace, under the request id.
    assertThat(logged)
        .anySatisfy(r -> {
          assertThat(r.getThrown()).isSameAs(bug);
          assertThat(r.getMessage()).contains("req-1");
        });
  }

  @Test
  void anInvalidValue_whereInputIsChecked_isTheCallersMistake() {
    Reply<String> reply =
        serve(calls(principals, () -> {}), officer, AdminAction.TENANT_CREATE, c -> {
          throw new InvalidValueException("tenant id must be 1-64 characters");
        });

    assertThat(reply.status()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(reply.error.getStatus().getDescription())
        .isEqualTo(AdminError.INVALID_ARGUMENT.message());
  }

  @Test
  void aCallWithoutAnIdentity_isUnauthenticated_andStillAudited() {
    Reply<String> reply = serve(calls(principals, () -> {}), null, AdminAction.WHO_AM_I, c -> "x");

    assertThat(reply.status()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(audit.last().actor()).isEqualTo("unauthenticated");
    assertThat(audit.last().outcome()).isEqualTo(Outcome.DENIED);
  }

  @Test
  void auditTargets_keepOnlyPrintableAsciiAndAreBounded() {
    assertThat(AdminCalls.clean("tenant/ac\nme\u0000/\u00e9")).isEqualTo("tenant/ac?me?/?");
    assertThat(AdminCalls.clean("x".repeat(5000))).hasSize(300);
  }

  private AdminCalls calls(AdminPrincipals from, Runnable onConfigChanged) {
    return new AdminCalls(from, new AdminPolicy(), audit, clock, onConfigChanged);
  }

  private static <R> Reply<R> serve(
      AdminCalls calls, AdminIdentity identity, AdminAction action, AdminCalls.Operation<R> op) {
    Reply<R> reply = new Reply<>();
    Context context = Context.current().withValue(AdminIdentityInterceptor.REQUEST_ID, "req-1");
    if (identity != null) {
      context = context.withValue(AdminIdentityInterceptor.IDENTITY, identity);
    }
    context.run(() -> calls.serve(action, null, "tenant/x", reply, op));
    assertThat(reply.completed || reply.error != null)
        .as("the call was answered")
        .isTrue();
    return reply;
  }
}
