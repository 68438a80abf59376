package io.keygate.admin.command;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.hsm.KekId;
import io.keygate.hsm.pkcs11.DirectKekAdministration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", description = "Lists the token's key-encryption keys (ids only).")
public final class KekListCommand extends Verb {
  @Mixin SecurityOfficerOptions token;

  @Override
  protected void execute(CliEnvironment env, Output out) throws Exception {
    List<KekId> keks;
    try (DirectKekAdministration so = token.open(env)) {
      keks = so.listKeks();
    }
    List<String> ids = keks.stream().map(KekId::value).toList();
    out.result(Map.of("keks", ids), ids.isEmpty() ? "No KEK in the token." : String.join("\n", ids));
  }
}
