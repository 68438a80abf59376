package io.keygate.admin.online;

import io.grpc.ManagedChannel;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.command.Verb;
import io.keygate.proto.admin.v1.AdminServiceGrpc;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Mixin;

/**
 * Base of the verbs that go through the admin API: opens the channel, gives the verb a blocking
 * stub with the deadline, closes the channel. gRPC failures reach the exit-code mapper as they are
 * (status, error code and request id trailers).
 */
public abstract class AdminVerb extends Verb {
  @Mixin AdminConnectionOptions connection;

  @Override
  protected final void execute(CliEnvironment env, Output out) throws Exception {
    beforeCall(env);
    ManagedChannel channel = env.adminChannels().open(connection.endpoint(env));
    try {
      AdminServiceBlockingStub admin =
          AdminServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(connection.timeout().toMillis(), TimeUnit.MILLISECONDS);
      call(admin, env, out);
    } finally {
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Checks that must pass before anything is sent (e.g. that an output file is free). */
  protected void beforeCall(CliEnvironment env) throws Exception {}

  protected abstract void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws Exception;
}
