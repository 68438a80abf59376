package io.keygate.gateway.store.jdbc;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two private MariaDB servers of the test's own, in a temp directory, on free loopback ports: a
 * primary with its binary log, and a standby that replicates it <b>semi-synchronously</b>
 * ({@code AFTER_SYNC}): the primary acknowledges a commit only once the standby has received it,
 * so a write the primary acknowledged survives the primary's death. The standby is read-only
 * until {@link #promoteStandby()}.
 *
 * <p>What an operator's primary/standby pair looks like (docs/config-store.md, "Primary and
 * standby"), minus the orchestration: the test plays the orchestrator and promotes by hand.
 * Needs {@code /usr/sbin/mariadbd} and {@code mariadb-install-db} (package mariadb-server,
 * installed by {@code bin/ensure-databases}); never skips.
 */
public final class MariaDbPair implements AutoCloseable {
  public static final String DATABASE = "keygate";
  public static final String USER = "keygate";
  public static final String PASSWORD = "pair-test-password";
  private static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Instance primary;
  private final Instance standby;

  private MariaDbPair(Instance primary, Instance standby) {
    this.primary = primary;
    this.standby = standby;
  }

  /** Installs and starts both servers under {@code dir} and starts replication. */
  public static MariaDbPair start(Path dir) throws Exception {
    if (!Files.isExecutable(MARIADBD)) {
      throw new AssertionError("MariaDB's server is not installed (" + MARIADBD + "): run"
          + " bin/ensure-databases as root (apt-get install mariadb-server); this test never"
          + " skips.");
    }
    Instance primary = Instance.start(dir.resolve("primary"), 1);
    Instance standby = null;
    try {
      standby = Instance.start(dir.resolve("standby"), 2);
      primary.execute(
          "SET sql_log_bin = 0", // the replication account is the primary's own
          "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl-password'",
          "GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'",
          "SET sql_log_bin = 1",
          "SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC",
          // Long enough that the primary never falls back to asynchronous replication while the
          // standby runs: a fallback would make an acknowledged write losable.
          "SET GLOBAL rpl_semi_sync_master_timeout = 600000",
          "SET GLOBAL rpl_semi_sync_master_enabled = ON");
      standby.execute(
          "SET GLOBAL rpl_semi_sync_slave_enabled = ON",
          "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = " + primary.port
              + ", MASTER_USER = 'repl', MASTER_PASSWORD = 'repl-password',"
              + " MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1",
          "START SLAVE",
          "SET GLOBAL read_only = ON");
      // Made on the primary after replication started: the standby gets them through the log.
      primary.execute(
          "CREATE DATABASE " + DATABASE,
          "CREATE USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "'",
          // Not SUPER: read_only binds the gateway's account on the standby.
          "GRANT ALL ON " + DATABASE + ".* TO '" + USER + "'@'127.0.0.1'");
      standby.awaitCaughtUp(primary);
      return new MariaDbPair(primary, standby);
    } catch (Exception | Error e) {
      primary.kill();
      if (standby != null) {
        standby.kill();
      }
      throw e;
    }
  }

  /**
   * The URL a gateway node is given: MariaDB Connector/J's {@code sequential} mode, primary
   * first. A new connection goes to the first host that accepts it.
   */
  public String failoverUrl() {
    return "jdbc:mariadb:sequential://127.0.0.1:" + primary.port + ",127.0.0.1:" + standby.port
        + "/" + DATABASE + "?connectTimeout=2000";
  }

  /** SIGKILL: no shutdown, no last words; connections to it break at once. */
  public void killPrimary() throws InterruptedException {
    primary.kill();
  }

  /**
   * What an orchestrator does after losing the primary: stop fetching from it, apply everything
   * already received (semi-sync: every acknowledged commit is among it), forget the primary, and
   * take writes.
   */
  public void promoteStandby() throws SQLException {
    standby.execute("STOP SLAVE IO_THREAD");
    standby.awaitApplied(standby.receivedPosition());
    standby.execute("STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = OFF");
  }

  /** A connection to the standby as the gateway's account (for checking what it holds). */
  public Connection standbyConnection() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:mariadb://127.0.0.1:" + standby.port + "/" + DATABASE, USER, PASSWORD);
  }

  @Override
  public void close() throws InterruptedException {
    try {
      standby.kill();
    } finally {
      primary.kill();
    }
  }

  /** One mariadbd process with its own data directory, socket and port. */
  private static final class Instance {
    private final Process process;
    private final int port;
    private final Path dir;

    private Instance(Process process, int port, Path dir) {
      this.process = process;
      this.port = port;
      this.dir = dir;
    }

    static Instance start(Path dir, int serverId) throws Exception {
      Files.createDirectories(dir);
      Path data = dir.resolve("data");
      boolean root = "root".equals(System.getProperty("user.name"));
      List<String> install = new ArrayList<>(List.of("mariadb-install-db", "--no-defaults",
          "--datadir=" + data, "--auth-root-authentication-method=normal", "--skip-test-db"));
      if (root) {
        install.add("--user=root");
      }
      run(install, dir.resolve("install.log"));
      int port = freePort();
      List<String> command = new ArrayList<>(List.of(MARIADBD.toString(), "--no-defaults",
          "--datadir=" + data, "--port=" + port, "--bind-address=127.0.0.1",
          "--socket=" + dir.resolve("mysqld.sock"), "--pid-file=" + dir.resolve("mysqld.pid"),
          "--log-error=" + dir.resolve("error.log"), "--server-id=" + serverId,
          "--log-bin=" + data.resolve("binlog"), "--binlog-format=ROW", "--skip-name-resolve",
          "--innodb-buffer-pool-size=32M", "--log-slave-updates"));
      if (root) {
        command.add("--user=root");
      }
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("mariadbd.out").toFile())
          .start();
      Instance instance = new Instance(process, port, dir);
      instance.awaitUp();
      return instance;
    }

    private void awaitUp() throws Exception {
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      SQLException last = null;
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("mariadbd exited with " + process.exitValue() + "; see "
              + dir.resolve("error.log"));
        }
        try (Connection c = rootConnection()) {
          return;
        } catch (SQLException e) {
          last = e;
          TimeUnit.MILLISECONDS.sleep(50); // polling a condition with a deadline
        }
      }
      throw new AssertionError("mariadbd on port " + port + " did not answer within "
          + START_TIMEOUT + "; see " + dir.resolve("error.log"), last);
    }

    Connection rootConnection() throws SQLException {
      return DriverManager.getConnection(
          "jdbc:mariadb://127.0.0.1:" + port + "/?connectTimeout=1000", "root", "");
    }

    void execute(String... statements) throws SQLException {
      try (Connection c = rootConnection(); Statement s = c.createStatement()) {
        for (String sql : statements) {
          s.execute(sql);
        }
      }
    }

    /** Until this standby has applied every transaction the primary has logged so far. */
    void awaitCaughtUp(Instance primary) throws SQLException {
      String position;
      try (Connection c = primary.rootConnection(); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT @@gtid_binlog_pos")) {
        r.next();
        position = r.getString(1);
      }
      awaitApplied(position);
    }

    /** The GTID position of everything the standby received from the primary. */
    String receivedPosition() throws SQLException {
      try (Connection c = rootConnection(); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SHOW SLAVE STATUS")) {
        if (!r.next()) {
          throw new AssertionError("not a replica: " + dir);
        }
        return r.getString("Gtid_IO_Pos");
      }
    }

    /** Blocks (in the server) until the SQL thread has applied {@code position}. */
    void awaitApplied(String position) throws SQLException {
      try (Connection c = rootConnection(); Statement s = c.createStatement();
          ResultSet r = s.executeQuery(
              "SELECT MASTER_GTID_WAIT('" + position + "', " + START_TIMEOUT.toSeconds() + ")")) {
        r.next();
        if (r.getInt(1) != 0) {
          throw new AssertionError("the standby did not apply up to " + position + " within "
              + START_TIMEOUT + "; see " + dir.resolve("error.log"));
        }
      }
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    private static void run(List<String> command, Path log) throws Exception {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " failed; see " + log);
      }
    }

    private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0)) {
        return socket.getLocalPort();
      }
    }
  }
}
