package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.command.DurationConverter;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Credential;
import io.keygate.proto.admin.v1.RetireCredentialRequest;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "retire",
    description = {
      "Retires a credential: it keeps working for --after, then expires.",
      "Check 'credential list' (last used) first: the new credential should be in use."
    })
public final class CredentialRetireCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(
      names = "--access-key",
      required = true,
      paramLabel = "AK",
      description = "the credential")
  String accessKey;

  @Option(
      names = "--after",
      required = true,
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "how long it keeps working from now, e.g. 0, 30m, 24h, 7d (at most 366d)")
  Duration after;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    Credential c =
        admin.retireCredential(
            RetireCredentialRequest.newBuilder()
                .setTenantId(tenant)
                .setAccessKey(accessKey)
                .setAfter(
                    com.google.protobuf.Duration.newBuilder()
                        .setSeconds(after.getSeconds())
                        .setNanos(after.getNano()))
                .build());
    out.result(
        ProtoViews.credential(c),
        "Credential "
            + c.getAccessKey()
            + " keeps working until "
            + ProtoViews.time(c.hasNotAfter(), c.getNotAfter())
            + ", then expires.");
  }
}
