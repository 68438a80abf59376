package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.hsm.KekId;
import io.keygate.proto.admin.v1.DestroyKek;
import io.keygate.proto.admin.v1.DualControlOperation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "destroy-kek",
    description = {
      "Asks to destroy a key-encryption key in the gateway's HSM for good, at the end of a KEK"
          + " rotation (needs the approval of other security-officers).",
      "The gateway refuses while any credential is still wrapped under it (KekInUse: run"
          + " 'approval request rewrap-credentials' until it reports remaining=0), when it is the"
          + " KEK the approving node issues under (KekIsIssuing: move every node's KEYGATE_KEK"
          + " first), and when the token lacks it (KekUnusable)."
    })
public final class ApprovalRequestDestroyKekCommand extends ApprovalRequestVerb {
  @Option(names = "--kek", required = true, paramLabel = "KEK",
      description = "the id of the KEK to destroy (as 'kek list' shows it)")
  String kek;

  @Override
  protected void beforeCall(CliEnvironment env) {
    if (!KekId.isValid(kek)) {
      throw new IllegalArgumentException("--kek: 1-32 characters of a-z 0-9 and '-'");
    }
    super.beforeCall(env);
  }

  @Override
  DualControlOperation operation() {
    return DualControlOperation.newBuilder()
        .setDestroyKek(DestroyKek.newBuilder().setKekId(kek))
        .build();
  }
}
