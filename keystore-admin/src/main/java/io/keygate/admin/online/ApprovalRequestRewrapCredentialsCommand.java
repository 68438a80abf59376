package io.keygate.admin.online;

import io.keygate.proto.admin.v1.DualControlOperation;
import io.keygate.proto.admin.v1.RewrapCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "rewrap-credentials",
    description = {
      "Asks to rotate a key-encryption key: every credential wrapped under --from is rewrapped"
          + " under --to inside the HSM (needs the approval of other security-officers).",
      "Calls keep working meanwhile; approved again after a failure, it goes on where it stopped."
          + " Its result says how many credentials still name --from: at 0, destroy that KEK with"
          + " 'approval request destroy-kek --kek FROM'."
    })
public final class ApprovalRequestRewrapCredentialsCommand extends ApprovalRequestVerb {
  @Option(names = "--from", required = true, paramLabel = "KEK", description = "the old KEK's id")
  String from;

  @Option(names = "--to", required = true, paramLabel = "KEK",
      description = "the new KEK's id (keystore-admin kek generate made it)")
  String to;

  @Override
  DualControlOperation operation() {
    return DualControlOperation.newBuilder()
        .setRewrapCredentials(RewrapCredentials.newBuilder().setFromKek(from).setToKek(to))
        .build();
  }
}
