package io.keygate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.keygate.gateway.model.BackendTarget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the node says about failing resolutions: the count, and a log that a flood cannot fill. */
class BackendResolutionsTest {
  private static final BackendTarget A = BackendTarget.parse("list:///127.0.0.1:1,127.0.0.2:1");
  private static final BackendTarget B = BackendTarget.parse("b.internal:80");
  private static final Status DOWN = Status.UNAVAILABLE.withDescription("registry unreachable");

  private final Logger logger = Logger.getLogger("io.keygate.gateway.proxy");
  private final List<LogRecord> lines = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      lines.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  };
  private final BackendResolutions resolutions =
      new BackendResolutions(clock, Duration.ofMinutes(1));

  @BeforeEach
  void listen() {
    logger.addHandler(capture);
  }

  @AfterEach
  void stopListening() {
    logger.removeHandler(capture);
  }

  @Test
  void failures_areCountedPerBackend_untilItResolvesAgain() {
    resolutions.failed(A, DOWN);
    resolutions.failed(A, DOWN);
    resolutions.failed(B, DOWN);
    assertThat(resolutions.failing()).isEqualTo(2);
    assertThat(resolutions.failingTargets()).containsExactlyInAnyOrder(A, B);

    resolutions.resolved(A, 2);
    assertThat(resolutions.failingTargets()).containsExactly(B);
    resolutions.forget(B);
    assertThat(resolutions.failing()).isZero();
  }

  @Test
  void aRunOfFailures_logsOncePerInterval_andOnceWhenItRecovers() {
    for (int i = 0; i < 100; i++) {
      resolutions.failed(A, DOWN);
    }
    assertThat(warnings()).hasSize(1);
    assertThat(warnings().get(0).getParameters()).contains(A);

    now = now.plus(Duration.ofSeconds(59));
    resolutions.failed(A, DOWN);
    assertThat(warnings()).hasSize(1);
    now = now.plus(Duration.ofSeconds(1));
    resolutions.failed(A, DOWN);
    assertThat(warnings()).hasSize(2);
    assertThat(warnings().get(1).getParameters()[1].toString())
        .startsWith("102 failures, 100 not logged");

    resolutions.resolved(A, 2);
    assertThat(lines).filteredOn(r -> r.getLevel() == Level.INFO).hasSize(1);
    // A new run of failures is news again.
    resolutions.failed(A, DOWN);
    assertThat(warnings()).hasSize(3);
  }

  private List<LogRecord> warnings() {
    return lines.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
  }
}
