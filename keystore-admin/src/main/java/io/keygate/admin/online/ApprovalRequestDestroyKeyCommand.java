package io.keygate.admin.online;

import io.keygate.admin.command.KeyLabelConverter;
import io.keygate.hsm.KeyLabel;
import io.keygate.proto.admin.v1.DestroyKey;
import io.keygate.proto.admin.v1.DualControlOperation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "destroy-key",
    description = {
      "Asks to destroy an HSM key for good (needs the approval of other security-officers).",
      "The gateway refuses the canary, the audit-signing key, a TLS key being served and the secret"
          + " of a credential that is not yet revoked or expired."
    })
public final class ApprovalRequestDestroyKeyCommand extends ApprovalRequestVerb {
  @Option(
      names = "--label",
      required = true,
      converter = KeyLabelConverter.class,
      description = "label of the key in the gateway's HSM (see 'credential list', 'tls list')")
  KeyLabel label;

  @Override
  DualControlOperation operation() {
    return DualControlOperation.newBuilder()
        .setDestroyKey(DestroyKey.newBuilder().setLabel(label.value()))
        .build();
  }
}
