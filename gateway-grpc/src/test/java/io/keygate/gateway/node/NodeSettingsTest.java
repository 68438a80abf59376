package io.keygate.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keygate.gateway.accesslog.AccessLogSettings;
import io.keygate.gateway.store.redis.RedisSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every malformed KEYGATE_* value is refused before anything starts, with a message that names
 * the variable and never echoes the value: no NumberFormatException, no index out of bounds.
 */
class NodeSettingsTest {

  /** {variable, value that must be refused}. */
  private static final String[][] MALFORMED = {
    {"KEYGATE_LISTEN", "gw.example"},
    {"KEYGATE_LISTEN", "gw.example:"},
    {"KEYGATE_LISTEN", ":8443"},
    {"KEYGATE_LISTEN", "gw.example:99999"},
    {"KEYGATE_LISTEN", "gw.example:-1"},
    {"KEYGATE_LISTEN", "gw.example:84x3"},
    {"KEYGATE_LISTEN", "::1:8443"},
    {"KEYGATE_LISTEN", "[::1]"},
    {"KEYGATE_LISTEN", "gw.example:123456789012345"},
    {"KEYGATE_NONCE_CAPACITY", "lots"},
    {"KEYGATE_NONCE_CAPACITY", "0"},
    {"KEYGATE_NONCE_CAPACITY", "99999999999"},
    {"KEYGATE_PLAINTEXT_DEV", "yes"},
    {"KEYGATE_NONCES_PER_KEY", "0"},
    {"KEYGATE_NONCES_PER_KEY", "2000000"},
    {"KEYGATE_PREAUTH_MAX_MESSAGE_BYTES", "64k"},
    {"KEYGATE_PREAUTH_MAX_MESSAGE_BYTES", "0"},
    {"KEYGATE_PREAUTH_MAX_MESSAGE_BYTES", "99999999"},
    {"KEYGATE_FIRST_MESSAGE_TIMEOUT", "10s"},
    {"KEYGATE_FIRST_MESSAGE_TIMEOUT", "PT0S"},
    {"KEYGATE_NONCES_PER_TENANT", "0"},
    {"KEYGATE_NONCES_PER_TENANT", "2000000"},
    {"KEYGATE_PREAUTH_NODE_BYTES", "32M"},
    {"KEYGATE_PREAUTH_NODE_BYTES", "1024"},
    {"KEYGATE_PREAUTH_NODE_BYTES", "99999999999"},
    {"KEYGATE_PREAUTH_MAX_CALLS", "0"},
    {"KEYGATE_PREAUTH_MAX_CALLS", "many"},
    {"KEYGATE_MAX_CALLS_PER_CONNECTION", "0"},
    {"KEYGATE_MAX_CALLS_PER_CONNECTION", "-5"},
    {"KEYGATE_MAX_CALLS_PER_KEY", "0"},
    {"KEYGATE_HSM_THREADS", "0"},
    {"KEYGATE_HSM_QUEUE", "-1"},
    {"KEYGATE_EVENT_LOOPS", "0"},
    {"KEYGATE_EVENT_LOOPS", "257"},
    {"KEYGATE_HSM_ON_LOOP_UNDER_MICROS", "-1"},
    {"KEYGATE_HSM_ON_LOOP_UNDER_MICROS", "200us"},
    {"KEYGATE_HSM_ON_LOOP_UNDER_MICROS", "1000001"},
    {"KEYGATE_MAX_CALLS_PER_KEY", "256.5"},
    {"KEYGATE_MAX_CALLS_PER_API", "0"},
    {"KEYGATE_MAX_CALLS_PER_API", "1k"},
    {"KEYGATE_MAX_CALLS_PER_API", "2000000"},
    {"KEYGATE_TLS_KEY", "no spaces allowed"},
    {"KEYGATE_CLIENT_CA_FILE", "/nonexistent/ca.pem"},
    {"KEYGATE_ADMIN_LISTEN", "adminhost"},
    {"KEYGATE_APPROVALS_REQUIRED", "1"},
    {"KEYGATE_APPROVALS_REQUIRED", "two"},
    {"KEYGATE_APPROVAL_TTL", "24h"},
    {"KEYGATE_APPROVAL_TTL", "-PT1H"},
    {"KEYGATE_FIRST_OFFICER_SHA256", "not-a-fingerprint"},
    {"KEYGATE_DB_URL", "mysql://db:3306/keygate"},
    {"KEYGATE_AUDIT_HEAD_FILE", System.getProperty("java.io.tmpdir")},
    {"KEYGATE_AUDIT_HEAD_FILE", "heads\u0000.log"},
    {"KEYGATE_NONCE_STORE", "redis-cluster"},
    {"KEYGATE_REDIS_URI", "http://redis.internal:6379"},
    {"KEYGATE_REDIS_URI", "redis://keygate:hunter2@redis.internal:6379"},
    {"KEYGATE_REDIS_URI", "redis://redis.internal:6379/db1"},
    {"KEYGATE_REDIS_TIMEOUT_MS", "0"},
    {"KEYGATE_REDIS_TIMEOUT_MS", "250ms"},
    {"KEYGATE_REDIS_TIMEOUT_MS", "99999999"},
  };

  @Test
  void malformedValues_areRefused_namingTheVariable_notTheValue() throws Exception {
    List<String> failures = new ArrayList<>();
    for (String[] bad : MALFORMED) {
      Map<String, String> env = validEnvironment();
      if (bad[0].startsWith("KEYGATE_APPROVAL") || bad[0].equals("KEYGATE_FIRST_OFFICER_SHA256")) {
        env.put("KEYGATE_ADMIN_LISTEN", "127.0.0.1:0");
      }
      if (bad[0].startsWith("KEYGATE_REDIS")) {
        env.put("KEYGATE_NONCE_STORE", "redis");
        env.put("KEYGATE_REDIS_URI", "redis://redis.internal:6379");
      }
      env.put(bad[0], bad[1]);
      try {
        NodeSettings.fromEnvironment(env);
        failures.add(bad[0] + "=" + bad[1] + ": accepted");
      } catch (SettingsException e) {
        if (!e.variable().equals(bad[0]) || !e.getMessage().startsWith(bad[0] + ": ")) {
          failures.add(bad[0] + "=" + bad[1] + ": named " + e.getMessage());
        }
        if (bad[1].length() > 3 && e.getMessage().contains(bad[1])) {
          failures.add(bad[0] + "=" + bad[1] + ": echoed the value: " + e.getMessage());
        }
      } catch (RuntimeException e) {
        failures.add(bad[0] + "=" + bad[1] + ": threw " + e);
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void wellFormedValues_areParsed() throws Exception {
    Map<String, String> env = validEnvironment();
    env.put("KEYGATE_LISTEN", "[::1]:9443");
    env.put("KEYGATE_NONCE_CAPACITY", "5000");
    env.put("KEYGATE_PLAINTEXT_DEV", "true");
    env.put("KEYGATE_ADMIN_LISTEN", "127.0.0.1:9444");
    env.put("KEYGATE_APPROVALS_REQUIRED", "3");
    env.put("KEYGATE_APPROVAL_TTL", "PT2H");
    env.put("KEYGATE_NONCES_PER_KEY", "500");
    env.put("KEYGATE_PREAUTH_MAX_MESSAGE_BYTES", "4096");
    env.put("KEYGATE_FIRST_MESSAGE_TIMEOUT", "PT2S");
    env.put("KEYGATE_NONCES_PER_TENANT", "2000");
    env.put("KEYGATE_PREAUTH_NODE_BYTES", "1048576");
    env.put("KEYGATE_PREAUTH_MAX_CALLS", "64");
    env.put("KEYGATE_MAX_CALLS_PER_CONNECTION", "20");
    env.put("KEYGATE_MAX_CALLS_PER_KEY", "16");
    env.put("KEYGATE_MAX_CALLS_PER_API", "48");
    env.put("KEYGATE_MAX_CALLS_PER_BACKEND", "96");
    env.put("KEYGATE_HSM_THREADS", "4");
    env.put("KEYGATE_HSM_QUEUE", "128");
    env.put("KEYGATE_EVENT_LOOPS", "3");
    env.put("KEYGATE_HSM_ON_LOOP_UNDER_MICROS", "50");

    NodeSettings settings = NodeSettings.fromEnvironment(env);

    assertThat(settings.gateway().listen().getPort()).isEqualTo(9443);
    assertThat(settings.gateway().listen().getAddress()).isEqualTo(java.net.InetAddress.getByName("::1"));
    assertThat(settings.gateway().plaintextForDevelopment()).isTrue();
    assertThat(settings.nonceCapacity()).isEqualTo(5000);
    assertThat(settings.noncesPerKey()).isEqualTo(500);
    assertThat(settings.preAuth().maxFirstMessageBytes()).isEqualTo(4096);
    assertThat(settings.preAuth().firstMessageTimeout()).hasSeconds(2);
    assertThat(settings.noncesPerTenant()).isEqualTo(2000);
    assertThat(settings.preAuth().nodeBytes()).isEqualTo(1 << 20);
    assertThat(settings.preAuth().nodeCalls()).isEqualTo(64);
    assertThat(settings.calls()).isEqualTo(new io.keygate.gateway.dataplane.CallLimits(
        20, 16, 48, 96, 4, 128, 3, java.time.Duration.ofNanos(50_000)));
    assertThat(settings.calls().concurrentChecks()).as("4 lane threads, 2 of 3 loops").isEqualTo(6);
    assertThat(settings.admin()).isPresent();
    assertThat(settings.admin().get().approvalsRequired()).isEqualTo(3);
    assertThat(settings.admin().get().approvalTtl()).hasHours(2);
    assertThat(settings.pin().get().toString()).isEqualTo("PIN file " + env.get("KEYGATE_HSM_PIN_FILE"));
    assertThat(settings.auditHeadFile())
        .as("by default in the data directory")
        .isEqualTo(Path.of(env.get("KEYGATE_DATA_DIR"), "audit-heads.log"));

    env.put("KEYGATE_AUDIT_HEAD_FILE", "/var/log/keygate/heads.log");
    assertThat(NodeSettings.fromEnvironment(env).auditHeadFile())
        .isEqualTo(Path.of("/var/log/keygate/heads.log"));
  }

  @Test
  void metricsListen_isOffUnlessSet_andAMalformedAddressNamesTheVariable() throws Exception {
    assertThat(ProcessSettings.metricsListen(Map.of())).isEmpty();
    assertThat(ProcessSettings.metricsListen(Map.of("KEYGATE_METRICS_LISTEN", "127.0.0.1:9464")))
        .contains(new java.net.InetSocketAddress("127.0.0.1", 9464));
    for (String bad : new String[] {"9464", "host:", "host:99999", "host:x"}) {
      assertThatThrownBy(() -> ProcessSettings.metricsListen(Map.of("KEYGATE_METRICS_LISTEN", bad)))
          .isInstanceOf(SettingsException.class)
          .hasMessageContaining("KEYGATE_METRICS_LISTEN");
    }
  }

  @Test
  void backendAttestation_isOffUnlessSet_andAMalformedHmacMapNamesTheVariableNotItsText()
      throws Exception {
    assertThat(ProcessSettings.backendAttestation(Map.of()))
        .isEqualTo(io.keygate.gateway.attestation.AttestationKeys.NONE);
    var keys = ProcessSettings.backendAttestation(Map.of(
        "KEYGATE_BACKEND_ATTESTATION_KEY", "attest",
        "KEYGATE_BACKEND_ATTESTATION_HMAC", "orders.internal:8443=orders-hmac"));
    assertThat(keys.ecdsa()).contains(io.keygate.hsm.KeyLabel.of("attest"));
    assertThat(keys.hmac()).containsEntry(
        io.keygate.gateway.model.BackendTarget.parse("orders.internal:8443"),
        io.keygate.hsm.KeyLabel.of("orders-hmac"));
    for (String bad : new String[] {"orders.internal:8443", "secret-looking-text=bad label",
        "unix:///secret-looking-text=l"}) {
      assertThatThrownBy(() -> ProcessSettings.backendAttestation(
              Map.of("KEYGATE_BACKEND_ATTESTATION_HMAC", bad)))
          .isInstanceOf(SettingsException.class)
          .hasMessageContaining("KEYGATE_BACKEND_ATTESTATION_HMAC")
          .hasMessageNotContaining("secret-looking-text");
    }
  }

  @Test
  void accessLog_isOffUnlessSet_andTakesStdoutOrAFile() throws Exception {
    assertThat(ProcessSettings.accessLog(Map.of()).enabled()).isFalse();
    assertThat(ProcessSettings.accessLog(Map.of("KEYGATE_ACCESS_LOG", "off")).enabled()).isFalse();
    AccessLogSettings stdout = ProcessSettings.accessLog(Map.of("KEYGATE_ACCESS_LOG", "stdout",
        "KEYGATE_ACCESS_LOG_REFUSALS_PER_SECOND", "7"));
    assertThat(stdout.toStdout()).isTrue();
    assertThat(stdout.refusalsPerSecond()).isEqualTo(7);
    Path dir = Files.createTempDirectory("keygate-settings-");
    AccessLogSettings file = ProcessSettings.accessLog(
        Map.of("KEYGATE_ACCESS_LOG", dir.resolve("access.log").toString()));
    assertThat(file.file()).contains(dir.resolve("access.log"));
    assertThat(file.refusalsPerSecond())
        .isEqualTo(AccessLogSettings.DEFAULT_REFUSALS_PER_SECOND);
  }

  @Test
  void accessLog_malformed_namesTheVariable() throws Exception {
    Path dir = Files.createTempDirectory("keygate-settings-");
    for (String bad : new String[] {dir.toString(), dir.resolve("no/such/dir/access.log")
        .toString()}) {
      assertThatThrownBy(() -> ProcessSettings.accessLog(Map.of("KEYGATE_ACCESS_LOG", bad)))
          .isInstanceOf(SettingsException.class)
          .hasMessageContaining("KEYGATE_ACCESS_LOG");
    }
    for (String bad : new String[] {"-1", "lots", "1000001", "2.5"}) {
      assertThatThrownBy(() -> ProcessSettings.accessLog(Map.of("KEYGATE_ACCESS_LOG", "stdout",
              "KEYGATE_ACCESS_LOG_REFUSALS_PER_SECOND", bad)))
          .isInstanceOf(SettingsException.class)
          .hasMessageContaining("KEYGATE_ACCESS_LOG_REFUSALS_PER_SECOND");
    }
  }

  @Test
  void hsmExitAfter_defaultsToFifteenSeconds_andTakesOneSecondToOneHour() throws Exception {
    assertThat(ProcessSettings.hsmExitAfter(Map.of())).isEqualTo(java.time.Duration.ofSeconds(15));
    assertThat(ProcessSettings.hsmExitAfter(Map.of("KEYGATE_HSM_EXIT_AFTER", "PT2M")))
        .isEqualTo(java.time.Duration.ofMinutes(2));
    for (String bad : new String[] {"15", "PT0.5S", "PT2H", "-PT5S", "PT0S"}) {
      assertThatThrownBy(() -> ProcessSettings.hsmExitAfter(Map.of("KEYGATE_HSM_EXIT_AFTER", bad)))
          .isInstanceOf(SettingsException.class)
          .hasMessageContaining("KEYGATE_HSM_EXIT_AFTER");
    }
  }

  @Test
  void drainTimeout_defaultsToFiveSeconds_andTakesAPositiveDurationUpToTenMinutes()
      throws Exception {
    assertThat(ProcessSettings.drainTimeout(Map.of())).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(ProcessSettings.drainTimeout(Map.of("KEYGATE_DRAIN_TIMEOUT", "PT30S")))
        .isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(ProcessSettings.drainTimeout(Map.of("KEYGATE_DRAIN_TIMEOUT", "PT0.5S")))
        .isEqualTo(java.time.Duration.ofMillis(500));
    for (String bad : new String[] {"5", "PT11M", "-PT1S", "PT0S", "soon"}) {
      assertThatThrownBy(() -> ProcessSettings.drainTimeout(Map.of("KEYGATE_DRAIN_TIMEOUT", bad)))
          .isInstanceOf(SettingsException.class)
          .hasMessageContaining("KEYGATE_DRAIN_TIMEOUT");
    }
  }

  @Test
  void limitsLeftUnset_takeTheirDefaults() throws Exception {
    NodeSettings settings = NodeSettings.fromEnvironment(validEnvironment());

    assertThat(settings.noncesPerTenant()).isEqualTo(NodeSettings.DEFAULT_NONCES_PER_TENANT);
    assertThat(settings.preAuth().nodeBytes()).isEqualTo(32 << 20);
    assertThat(settings.preAuth().nodeCalls()).isEqualTo(4096);
    assertThat(settings.calls().perConnection()).isEqualTo(100);
    assertThat(settings.calls().perKey()).isEqualTo(256);
    assertThat(settings.calls().perApi()).isEqualTo(1024);
  }

  @Test
  void theTenantShare_defaultsToTheCapacity_whenTheStoreIsSmaller() throws Exception {
    Map<String, String> env = validEnvironment();
    env.put("KEYGATE_NONCE_CAPACITY", "5000");

    assertThat(NodeSettings.fromEnvironment(env).noncesPerTenant()).isEqualTo(5000);
  }

  @Test
  void theNodesPreAuthBytes_mustHoldOneFirstMessageOfTheLargestAllowedSize() throws Exception {
    Map<String, String> env = validEnvironment();
    env.put("KEYGATE_PREAUTH_MAX_MESSAGE_BYTES", "65536");
    env.put("KEYGATE_PREAUTH_NODE_BYTES", "65535");

    SettingsException e =
        catchThrowableOfType(SettingsException.class, () -> NodeSettings.fromEnvironment(env));

    assertThat(e.variable()).isEqualTo("KEYGATE_PREAUTH_NODE_BYTES");
  }

  @Test
  void keyHierarchy_isOffByDefault_andTakesAValidKekIdAndCacheSize() throws Exception {
    Map<String, String> env = validEnvironment();
    assertThat(NodeSettings.fromEnvironment(env).keys())
        .isEqualTo(KeyHierarchySettings.defaults());

    env.put("KEYGATE_KEK", "kek-2026");
    env.put("KEYGATE_KEY_CACHE", "1000");
    KeyHierarchySettings keys = NodeSettings.fromEnvironment(env).keys();
    assertThat(keys.issuingKek()).contains(io.keygate.hsm.KekId.of("kek-2026"));
    assertThat(keys.cacheKeys()).isEqualTo(1000);

    for (String[] bad : new String[][] {{"KEYGATE_KEK", "Kek/../x"}, {"KEYGATE_KEY_CACHE", "0"}}) {
      Map<String, String> wrong = validEnvironment();
      wrong.put(bad[0], bad[1]);
      SettingsException e =
          catchThrowableOfType(SettingsException.class, () -> NodeSettings.fromEnvironment(wrong));
      assertThat(e.variable()).isEqualTo(bad[0]);
    }
  }

  @Test
  void theNonceStore_isInProcessByDefault_andRedisWhenAsked() throws Exception {
    assertThat(NodeSettings.fromEnvironment(validEnvironment()).redisNonces()).isEmpty();

    Map<String, String> env = validEnvironment();
    env.put("KEYGATE_NONCE_STORE", "redis");
    SettingsException noUri =
        catchThrowableOfType(SettingsException.class, () -> NodeSettings.fromEnvironment(env));
    assertThat(noUri.variable()).isEqualTo("KEYGATE_REDIS_URI");

    env.put("KEYGATE_REDIS_URI", "rediss://keygate@redis.internal:6380/3");
    SettingsException userWithoutPassword =
        catchThrowableOfType(SettingsException.class, () -> NodeSettings.fromEnvironment(env));
    assertThat(userWithoutPassword.variable()).isEqualTo("KEYGATE_REDIS_PASSWORD_FILE");
    env.put("KEYGATE_REDIS_PASSWORD_FILE", "/run/secrets/redis");
    env.put("KEYGATE_REDIS_TIMEOUT_MS", "100");
    assertThat(NodeSettings.fromEnvironment(env).redisNonces()).contains(new RedisSettings(
        "redis.internal", 6380, 3, true, Optional.of("keygate"),
        Optional.of(Path.of("/run/secrets/redis")), Duration.ofMillis(100)));
  }

  @Test
  void gatewayMain_exitsTwo_andNamesTheVariable() throws Exception {
    Map<String, String> env = validEnvironment();
    env.put("KEYGATE_LISTEN", "gw.example");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(
        java.toString(), "-cp", System.getProperty("java.class.path"), GatewayMain.class.getName());
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output).startsWith("keygate: KEYGATE_LISTEN: expected host:port").doesNotContain("Exception");
  }

  @Test
  void gatewayMain_logsTheMemoryItWasGiven_beforeStartingTheNode() throws Exception {
    // A valid environment whose token does not exist: the node logs its memory, then exits 1.
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx96m",
        "-XX:MaxDirectMemorySize=40m", "-cp", System.getProperty("java.class.path"),
        GatewayMain.class.getName());
    builder.environment().clear();
    builder.environment().putAll(validEnvironment());
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(output).contains("memory: max heap 96 MiB, max direct memory 40 MiB, GC ");
  }

  private static Map<String, String> validEnvironment() throws IOException {
    Path dir = Files.createTempDirectory("keygate-settings-");
    Path pin = dir.resolve("pin");
    Files.writeString(pin, "1234");
    Path ca = dir.resolve("ca.pem");
    Files.writeString(ca, TestCertificate.PEM);
    Map<String, String> env = new HashMap<>();
    env.put("KEYGATE_HSM_CONFIG", dir.resolve("softhsm.cfg").toString());
    env.put("KEYGATE_HSM_PIN_FILE", pin.toString());
    env.put("KEYGATE_DATA_DIR", dir.toString());
    env.put("KEYGATE_ADMIN_CA_FILE", ca.toString());
    return env;
  }
}
