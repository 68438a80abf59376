package io.keygate.admin.online;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.OutputFiles;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.CreateCredentialsRequest;
import io.keygate.proto.admin.v1.CreateCredentialsResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bulk-create",
    description = {
      "Creates COUNT new apps PREFIX1..PREFIXCOUNT in a tenant, each with one new credential,"
          + " for migrations and load tests (admin API 1.4, a gateway with a KEK).",
      "Each call is all or nothing; COUNT is sent in calls of at most --per-call apps. The"
          + " secrets are made in the HSM, sent wrapped to a one-time key of this run, and"
          + " written as AccessKey,secret lines to --secret-out (created 0600, never overwritten)."
    })
public final class CredentialBulkCreateCommand extends AdminVerb {
  /** What one CreateCredentials call takes. */
  static final int MAX_PER_CALL = 10_000;

  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--count", required = true, description = "how many apps and credentials")
  int count;

  @Option(names = "--app-prefix", required = true, paramLabel = "PREFIX",
      description = "app ids are PREFIX1 to PREFIXCOUNT")
  String prefix;

  @Option(names = "--grant", paramLabel = "API", description = "grant every new app this API"
      + " of the tenant (repeatable)")
  List<String> grants = new ArrayList<>();

  @Option(names = "--secret-out", required = true, paramLabel = "FILE",
      description = "write AccessKey,secret lines to FILE, created 0600")
  Path secretOut;

  @Option(names = "--per-call", paramLabel = "N", defaultValue = "" + MAX_PER_CALL,
      description = "apps per call, 1 to " + MAX_PER_CALL + " (default: ${DEFAULT-VALUE})")
  int perCall;

  @Override
  protected void beforeCall(CliEnvironment env) throws Exception {
    if (count < 1 || perCall < 1 || perCall > MAX_PER_CALL) {
      throw new AdminException(ExitCode.USAGE,
          "--count must be at least 1 and --per-call 1 to " + MAX_PER_CALL);
    }
    // A file that could not be written must fail before any secret exists.
    OutputFiles.requireAbsent(secretOut);
    Path dir = secretOut.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
      throw new AdminException(
          ExitCode.USAGE, "cannot create " + secretOut + ": its directory is not writable");
    }
  }

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws Exception {
    OneTimeRecipient recipient = OneTimeRecipient.generate();
    String kek = "";
    long start = System.nanoTime();
    try (BulkSecrets file = BulkSecrets.create(secretOut)) {
      for (int first = 1; first <= count; first += perCall) {
        int last = Math.min(count, first + perCall - 1);
        CreateCredentialsRequest.Builder req = CreateCredentialsRequest.newBuilder()
            .setTenantId(tenant).addAllGrantApiIds(grants)
            .setRecipientPublicKey(recipient.publicKey());
        for (int i = first; i <= last; i++) {
          req.addAppIds(prefix + i);
        }
        CreateCredentialsResponse reply;
        try {
          // Each call gets the whole deadline, not what the previous ones left of it.
          reply = admin.withDeadlineAfter(connection.timeout().toMillis(), TimeUnit.MILLISECONDS)
              .createCredentials(req.build());
        } catch (RuntimeException e) {
          if (file.written() > 0) {
            out.warn(file.written() + " credentials (apps " + prefix + "1 to " + prefix
                + (first - 1) + ") were created and are in " + secretOut + "; the call for "
                + prefix + first + " to " + prefix + last + " failed and created nothing");
          }
          throw e;
        }
        kek = reply.getKekId();
        file.append(reply, recipient);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("tenantId", tenant);
    json.put("count", count);
    json.put("firstApp", prefix + 1);
    json.put("lastApp", prefix + count);
    json.put("kekId", kek);
    json.put("secretFile", secretOut.toString());
    json.put("seconds", Math.round(seconds * 1000) / 1000.0);
    out.result(json, String.format(java.util.Locale.ROOT,
        "Created %d apps (%s1 to %s%d) in tenant %s, each with one credential (KEK %s), in"
            + " %.2f s.%nTheir AccessKey,secret lines are in %s (mode 0600); the secrets cannot"
            + " be shown again.", count, prefix, prefix, count, tenant, kek, seconds, secretOut));
  }
}
