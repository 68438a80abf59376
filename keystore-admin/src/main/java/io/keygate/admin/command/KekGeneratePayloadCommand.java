package io.keygate.admin.command;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Output;
import io.keygate.hsm.KekId;
import io.keygate.hsm.pkcs11.DirectKekAdministration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "generate-payload",
    description = {
      "Generates a payload KEK inside the token: AES-256, trusted, never extractable, able only"
          + " to wrap and unwrap, and unwrapping only into sensitive AES keys that encrypt or"
          + " decrypt (docs/payload-encryption.md).",
      "Payload keys of encrypted APIs are made in the HSM and stored wrapped under it."
    })
public final class KekGeneratePayloadCommand extends Verb {
  @Mixin SecurityOfficerOptions token;

  @Option(names = "--id", required = true, paramLabel = "ID",
      description = "the payload KEK's id: 1-32 of a-z 0-9 '-' (e.g. pk-2026)")
  String id;

  @Override
  protected void execute(CliEnvironment env, Output out) throws Exception {
    if (!KekId.isValid(id)) {
      throw new AdminException(ExitCode.USAGE, "--id: 1-32 characters of a-z 0-9 and '-'");
    }
    KekId kek = KekId.of(id);
    try (DirectKekAdministration so = token.open(env)) {
      so.generatePayloadKek(kek);
    }
    out.result(Map.of("payload_kek", kek.value(), "label", kek.payloadLabel().value()),
        "Generated payload KEK " + kek + " (token label " + kek.payloadLabel() + ").");
  }
}
