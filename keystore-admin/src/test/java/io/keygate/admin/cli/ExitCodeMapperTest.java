package io.keygate.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.keygate.hsm.HsmOperationException;
import io.keygate.hsm.KeyAlreadyExistsException;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.LoginFailedException;
import io.keygate.hsm.TokenUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class ExitCodeMapperTest {
  private final ExitCodeMapper mapper = new ExitCodeMapper();

  private int code(Throwable t) {
    return mapper.map(t).exitCode().code();
  }

  @Test
  void hsmFailures() {
    assertThat(code(new LoginFailedException("login: login refused", "CKR_PIN_INCORRECT", null)))
        .isEqualTo(3);
    assertThat(code(new TokenUnavailableException("gone", "CKR_DEVICE_ERROR", null))).isEqualTo(3);
    assertThat(code(new KeyNotFoundException("no key x in the token"))).isEqualTo(5);
    assertThat(code(new KeyAlreadyExistsException("a key x already exists"))).isEqualTo(5);
    assertThat(code(new HsmOperationException("mismatch"))).isEqualTo(1);
    assertThat(mapper.map(new LoginFailedException("login", "CKR_PIN_LOCKED", null)).message())
        .contains("CKR_PIN_LOCKED");
  }

  @Test
  void files() {
    assertThat(code(new NoSuchFileException("/x"))).isEqualTo(2);
    assertThat(code(new FileAlreadyExistsException("/x"))).isEqualTo(5);
    assertThat(code(new AccessDeniedException("/x"))).isEqualTo(4);
    assertThat(code(new IOException("disk full"))).isEqualTo(1);
  }

  @Test
  void grpcStatuses() {
    assertThat(code(Status.PERMISSION_DENIED.asRuntimeException())).isEqualTo(4);
    assertThat(code(Status.UNAUTHENTICATED.asException())).isEqualTo(4);
    assertThat(code(Status.NOT_FOUND.asRuntimeException())).isEqualTo(5);
    assertThat(code(Status.FAILED_PRECONDITION.asRuntimeException())).isEqualTo(5);
    assertThat(code(Status.INVALID_ARGUMENT.asRuntimeException())).isEqualTo(2);
    assertThat(code(Status.DEADLINE_EXCEEDED.asRuntimeException())).isEqualTo(6);
    assertThat(code(Status.UNAVAILABLE.asRuntimeException())).isEqualTo(6);
    assertThat(code(Status.INTERNAL.asRuntimeException())).isEqualTo(1);
  }

  @Test
  void aTransportFailure_saysWhy() {
    var e =
        Status.UNAVAILABLE
            .withDescription("io exception")
            .withCause(new ConnectException("Connection refused: /127.0.0.1:1"))
            .asRuntimeException();
    assertThat(mapper.map(e).message())
        .isEqualTo("admin server: UNAVAILABLE: io exception (Connection refused: /127.0.0.1:1)");
  }

  @Test
  void anythingElse_isExit1_unexpected() {
    assertThat(code(new NullPointerException())).isEqualTo(1);
    assertThat(mapper.map(new IllegalStateException("boom")).message())
        .isEqualTo("unexpected error: IllegalStateException: boom");
    assertThat(code(new IllegalArgumentException("bad"))).isEqualTo(2);
  }

  @Test
  void report_printsOneLine_andWithVerboseTheCauses_neverAStackTrace() {
    Exception e =
        new AdminException(
            ExitCode.FAILED,
            "it failed",
            new IOException("because", new IllegalStateException("root")));
    StringWriter quiet = new StringWriter();
    assertThat(mapper.report(e, new PrintWriter(quiet), false)).isEqualTo(1);
    assertThat(quiet.toString()).isEqualTo("keystore-admin: it failed\n");
    StringWriter verbose = new StringWriter();
    mapper.report(e, new PrintWriter(verbose), true);
    assertThat(verbose.toString())
        .isEqualTo(
            "keystore-admin: it failed\n  caused by: IOException: because\n"
                + "  caused by: IllegalStateException: root\n");
  }
}
