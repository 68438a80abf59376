package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Channel;
import io.grpc.Status;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential.InClear;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.keygate.gateway.store.jdbc.MariaDbPair;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config database's primary dies under load (SIGKILL) and its semi-synchronous standby is
 * promoted, with a node whose {@code KEYGATE_DB_URL} names both (Connector/J's sequential mode):
 * the data plane never stops (it serves from its snapshot, and reads from the standby as soon as
 * the primary is gone), admin writes resume once the standby takes writes, no write the primary
 * acknowledged is lost, and a change made after the promotion reaches the data plane.
 */
class ConfigDatabaseFailoverEndToEndTest {
  /** How long after the promotion the first write may take to succeed. */
  private static final Duration WRITES_RESUME_WITHIN = Duration.ofSeconds(15);

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  @TempDir Path dir;
  private MariaDbPair pair;
  private GatewayFixture gw;
  private final List<Thread> load = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();

  @AfterEach
  void stopEverything() throws Exception {
    stop.set(true);
    for (Thread t : load) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    try {
      if (gw != null) {
        gw.close();
      }
    } finally {
      if (pair != null) {
        pair.close();
      }
    }
  }

  @Test
  void primaryKilled_standbyPromoted_callsNeverFail_writesResume_nothingAcknowledgedLost()
      throws Exception {
    pair = MariaDbPair.start(dir.resolve("mariadb"));
    gw = new GatewayFixture(tokens)
        .withDatabase(data -> ConfigDatabaseSettings.of(pair.failoverUrl(), MariaDbPair.USER,
                MariaDbPair.PASSWORD.toCharArray())
            .withConnectTimeout(Duration.ofSeconds(3)))
        .start("gateway", List.of());
    InClear revokedLater =
        new CredentialIssuer(gw.hsm, gw.store, new SecureRandom()).issue("acme", "acme-app", null);
    gw.gateway.refreshConfiguration();

    Calls calls = new Calls(gw.signedChannel(gw.acmeKey));
    Writes writes = new Writes();
    calls.start(2);
    writes.start();
    calls.awaitSucceeded(50);
    writes.awaitAcknowledged(20);

    pair.killPrimary();
    // No primary: the standby answers reads (read-only), so writes fail and calls go on.
    writes.awaitFailed(3);
    calls.awaitSucceeded(calls.succeeded.get() + 50);
    pair.promoteStandby();
    long promotedAt = System.nanoTime();
    long resumed = writes.awaitAcknowledgedAfter(promotedAt, WRITES_RESUME_WITHIN);
    calls.awaitSucceeded(calls.succeeded.get() + 50);

    // A change made on the new primary reaches the data plane.
    gw.store.revokeCredential("acme", revokedLater.accessKey());
    gw.gateway.refreshConfiguration();
    Channel revokedChannel = gw.signedChannel(revokedLater);
    Throwable refused = catchThrowable(() -> echo(revokedChannel));

    stop.set(true);
    for (Thread t : load) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }

    assertThat(calls.failures).as("signed calls that failed while the database failed over")
        .isEmpty();
    // The write in flight when the primary died may fail with the lost connection (MariaDB
    // Connector/J cannot replay a COMMIT); the ones after it meet the read-only standby.
    assertThat(writes.failures).as("why writes failed without a primary")
        .anyMatch(why -> why.contains("read-only"));
    assertThat(acknowledgedTenantsOnStandby()).as("every write the primary acknowledged")
        .containsAll(writes.acknowledged);
    assertThat(refused).as("a call with the credential revoked after the promotion").isNotNull();
    assertThat(Status.fromThrowable(refused).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    System.out.printf("config database failover: %d signed calls, 0 failed; %d writes"
            + " acknowledged, %d refused without a primary; writes resumed %d ms after the"
            + " promotion; a write without a primary failed with: %s%n", calls.succeeded.get(),
        writes.acknowledged.size(), writes.failed.get(),
        TimeUnit.NANOSECONDS.toMillis(resumed - promotedAt), writes.failures.peek());
  }

  private static void echo(Channel channel) {
    EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage("during failover").build());
  }

  private Set<String> acknowledgedTenantsOnStandby() throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection c = pair.standbyConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id FROM tenants")) {
      while (r.next()) {
        ids.add(r.getString(1));
      }
    }
    return ids;
  }

  private Thread background(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    load.add(t);
    t.start();
    return t;
  }

  /** Signed Echo calls, one after another on each thread, every failure kept. */
  private final class Calls {
    final Channel channel;
    final AtomicInteger succeeded = new AtomicInteger();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final Object progress = new Object();

    Calls(Channel channel) {
      this.channel = channel;
    }

    void start(int threads) {
      for (int i = 0; i < threads; i++) {
        background("calls-" + i, () -> {
          while (!stop.get()) {
            try {
              echo(channel);
              succeeded.incrementAndGet();
            } catch (RuntimeException e) {
              failures.add(Status.fromThrowable(e).toString());
            }
            synchronized (progress) {
              progress.notifyAll();
            }
          }
        });
      }
    }

    void awaitSucceeded(int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      synchronized (progress) {
        while (succeeded.get() < count && failures.isEmpty()) {
          long left = deadline - System.nanoTime();
          assertThat(left).as("%d signed calls within 60 s", count).isPositive();
          TimeUnit.NANOSECONDS.timedWait(progress, left);
        }
      }
    }
  }

  /** Admin writes (new tenants), one after another; each acknowledged one is remembered. */
  private final class Writes {
    final ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicLong lastAcknowledgedAt = new AtomicLong();
    /** Why each write failed: the one in flight at the kill may fail mid-COMMIT, later ones are
     * refused by the read-only standby. */
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final Object progress = new Object();

    void start() {
      background("writes", () -> {
        for (int i = 0; !stop.get(); i++) {
          String id = "failover-" + i;
          try {
            gw.store.createTenant(new Tenant(id, "written during the failover"));
            lastAcknowledgedAt.set(System.nanoTime());
            acknowledged.add(id);
          } catch (Exception e) {
            failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
            failed.incrementAndGet();
          }
          synchronized (progress) {
            progress.notifyAll();
          }
          // A pace, not a synchronisation: about 50 writes a second, as busy officers would be.
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
      });
    }

    void awaitAcknowledged(int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      synchronized (progress) {
        while (acknowledged.size() < count) {
          long left = deadline - System.nanoTime();
          assertThat(left).as("%d writes within 60 s", count).isPositive();
          TimeUnit.NANOSECONDS.timedWait(progress, left);
        }
      }
    }

    void awaitFailed(int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      synchronized (progress) {
        while (failed.get() < count) {
          long left = deadline - System.nanoTime();
          assertThat(left).as("%d refused writes within 60 s", count).isPositive();
          TimeUnit.NANOSECONDS.timedWait(progress, left);
        }
      }
    }

    /** The instant of the first write acknowledged after {@code since}. */
    long awaitAcknowledgedAfter(long since, Duration within) throws InterruptedException {
      long deadline = since + within.toNanos();
      synchronized (progress) {
        while (lastAcknowledgedAt.get() - since <= 0) {
          long left = deadline - System.nanoTime();
          assertThat(left).as("a write acknowledged within %s of the promotion", within)
              .isPositive();
          TimeUnit.NANOSECONDS.timedWait(progress, left);
        }
      }
      return lastAcknowledgedAt.get();
    }
  }
}
