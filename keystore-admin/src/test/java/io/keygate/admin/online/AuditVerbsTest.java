package io.keygate.admin.online;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.admin.testing.FakeAdminService;
import io.keygate.proto.admin.v1.AuditProblem;
import io.keygate.proto.admin.v1.AuditQueryRequest;
import io.keygate.proto.admin.v1.AuditTailRequest;
import io.keygate.proto.admin.v1.AuditVerification;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code audit tail|query|verify} against the in-process fake admin API. */
class AuditVerbsTest {
  private final FakeAdminService fake = new FakeAdminService();
  private Server server;
  private CliEnvironment env;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(fake).build().start();
    env =
        CliRunner.environment(Map.of("KEYGATE_ADMIN_SERVER", "admin.example:8444"))
            .withAdminChannels(
                e -> InProcessChannelBuilder.forName(name).directExecutor().build());
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  private Result admin(String... args) {
    return CliRunner.run(env, args);
  }

  private static JsonObject json(Result r) {
    return JsonParser.parseString(r.out()).getAsJsonObject();
  }

  @Test
  void tail_defaultsTo20_andPrintsOneLinePerRecord() {
    Result r = admin("audit", "tail");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(((AuditTailRequest) fake.lastRequest()).getCount()).isEqualTo(20);
    assertThat(r.out().lines()).hasSize(4);
    assertThat(r.out().lines().findFirst().orElseThrow())
        .startsWith("SEQ")
        .contains("ACTOR")
        .contains("ACTION")
        .contains("OUTCOME");
    assertThat(r.out())
        .containsPattern("(?m)^1\\s+2026-11-26T12:00:01Z\\s+O=Keygate Admins,CN=alice sha256:ab")
        .contains("tenant.create")
        .contains("req-3")
        .contains("n=3");
  }

  @Test
  void tail_asJson_carriesEveryFieldAndTheHash() {
    Result r = admin("--output", "json", "audit", "tail", "--count", "2");

    assertThat(((AuditTailRequest) fake.lastRequest()).getCount()).isEqualTo(2);
    JsonArray records = json(r).getAsJsonArray("records");
    assertThat(records).hasSize(2);
    JsonObject first = records.get(0).getAsJsonObject();
    assertThat(first.get("seq").getAsLong()).isEqualTo(1);
    assertThat(first.get("time").getAsString()).isEqualTo("2026-11-26T12:00:01Z");
    assertThat(first.get("role").getAsString()).isEqualTo("security-officer");
    assertThat(first.get("outcome").getAsString()).isEqualTo("SUCCESS");
    assertThat(first.get("requestId").getAsString()).isEqualTo("req-1");
    assertThat(first.get("detail").getAsString()).isEqualTo("n=1");
    assertThat(first.get("hash").getAsString()).isEqualTo("0".repeat(63) + "1");
  }

  @Test
  void query_sendsEveryFilter_withTimesAndDates() {
    Result r = admin("audit", "query", "--from", "2026-11-26T12:00:00Z", "--to", "2026-11-27",
        "--actor", "CN=alice", "--action", "principal.add", "--limit", "5");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    AuditQueryRequest sent = (AuditQueryRequest) fake.lastRequest();
    assertThat(sent.getFrom().getSeconds())
        .isEqualTo(Instant.parse("2026-11-26T12:00:00Z").getEpochSecond());
    assertThat(sent.getTo().getSeconds())
        .isEqualTo(Instant.parse("2026-11-27T00:00:00Z").getEpochSecond());
    assertThat(sent.getActor()).isEqualTo("CN=alice");
    assertThat(sent.getAction()).isEqualTo("principal.add");
    assertThat(sent.getLimit()).isEqualTo(5);
    assertThat(r.out()).containsPattern("(?m)^7\\s+.*principal\\.add");
  }

  @Test
  void query_withoutFilters_leavesThemUnset_andLimitsTo100() {
    assertThat(admin("audit", "query").exitCode()).isZero();

    AuditQueryRequest sent = (AuditQueryRequest) fake.lastRequest();
    assertThat(sent.hasFrom()).isFalse();
    assertThat(sent.hasTo()).isFalse();
    assertThat(sent.getActor()).isEmpty();
    assertThat(sent.getAction()).isEmpty();
    assertThat(sent.getLimit()).isEqualTo(100);
  }

  @Test
  void query_withABadTime_isAUsageError_beforeAnyCall() {
    Result r = admin("audit", "query", "--from", "yesterday");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--from").contains("2026-11-26T12:00:00Z");
    assertThat(fake.requests).isEmpty();
    r.assertNoStackTrace();
  }

  @Test
  void verify_clean_exitsZero_andSaysHowMuchIsSigned() {
    Result r = admin("audit", "verify");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .startsWith("Audit log verified: clean.\n")
        .contains("records: 12\n")
        .contains("last seq: 12\n")
        .contains("signed heads: 2\n")
        .contains("last verified signed seq: 10\n")
        .contains("unsigned records (after the last verified signed head): 2\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void verify_withProblems_printsEveryOne_andExitsOne() {
    fake.verification = tampered();

    Result r = admin("audit", "verify");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out())
        .startsWith("Audit log NOT clean:\n")
        .contains("  seq 5 EDITED: its content no longer matches its hash: edited\n")
        .contains("  seq 9..10 TRUNCATED: records after a signed head are gone\n");
    assertThat(r.err()).isEqualTo(
        "keystore-admin: audit log verification failed: 2 problem(s)\n");
    r.assertNoStackTrace();
  }

  @Test
  void verify_withProblems_asJson_isOneDocument_andStillExitsOne() {
    fake.verification = tampered();

    Result r = admin("audit", "verify", "--output", "json");

    assertThat(r.exitCode()).isEqualTo(1);
    JsonObject report = json(r);
    assertThat(report.get("clean").getAsBoolean()).isFalse();
    assertThat(report.get("lastVerifiedSignedSeq").getAsLong()).isEqualTo(10);
    JsonArray problems = report.getAsJsonArray("problems");
    assertThat(problems).hasSize(2);
    JsonObject truncated = problems.get(1).getAsJsonObject();
    assertThat(truncated.get("kind").getAsString()).isEqualTo("TRUNCATED");
    assertThat(truncated.get("seq").getAsLong()).isEqualTo(9);
    assertThat(truncated.get("lastSeq").getAsLong()).isEqualTo(10);
  }

  @Test
  void verify_deniedByTheServer_isPermissionDenied() {
    Metadata trailers = new Metadata();
    trailers.put(Metadata.Key.of("x-keygate-error-code", Metadata.ASCII_STRING_MARSHALLER),
        "PermissionDenied");
    fake.failWith(Status.PERMISSION_DENIED.withDescription("permission denied")
        .asRuntimeException(trailers));

    Result r = admin("audit", "verify");

    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("PERMISSION_DENIED PermissionDenied");
  }

  private static AuditVerification tampered() {
    return AuditVerification.newBuilder()
        .setClean(false)
        .setRecords(9)
        .setLastSeq(8)
        .setSignedHeads(1)
        .setLastVerifiedSignedSeq(10)
        .addProblems(AuditProblem.newBuilder().setKind("EDITED").setSeq(5).setLastSeq(5)
            .setDescription("its content no longer matches its hash: edited"))
        .addProblems(AuditProblem.newBuilder().setKind("TRUNCATED").setSeq(9).setLastSeq(10)
            .setDescription("records after a signed head are gone"))
        .build();
  }
}
