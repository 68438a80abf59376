package io.keygate.admin.online;

import com.google.protobuf.ByteString;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.IssuedCredential;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * A verb that makes the gateway issue a credential ({@code create}, {@code add}): the same
 * options, and the secret goes where {@link SecretDelivery} says, exactly once.
 */
abstract class IssueCredentialVerb extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--app", required = true, description = "app id")
  String app;

  @Option(
      names = "--secret-out",
      paramLabel = "FILE",
      description = "write the secret (base64) to FILE, created 0600, instead of stdout")
  Path secretOut;

  /**
   * The one RPC that issues the credential.
   *
   * @param recipientKey this run's one-time RSA public key (SubjectPublicKeyInfo, DER): the gateway
   *     encrypts the new secret to it, so only this process can read it
   */
  abstract IssuedCredential issue(AdminServiceBlockingStub admin, ByteString recipientKey);

  @Override
  protected void beforeCall(CliEnvironment env) throws Exception {
    // A --secret-out that could not be written must fail before a secret exists.
    new SecretDelivery(secretOut).checkBeforeCall();
  }

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws Exception {
    OneTimeRecipient recipient = OneTimeRecipient.generate();
    new SecretDelivery(secretOut).deliver(issue(admin, recipient.publicKey()), recipient, out);
  }
}
