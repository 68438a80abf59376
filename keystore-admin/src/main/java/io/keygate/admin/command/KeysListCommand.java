package io.keygate.admin.command;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.Table;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "list",
    description =
        "Lists the keys in the token: label, type, creation time and protection; never key values.")
public final class KeysListCommand extends Verb {
  @Mixin TokenOptions token;

  @Override
  protected void execute(CliEnvironment env, Output out) throws Exception {
    try (HsmToken hsm = token.open(env, out)) {
      List<KeyInfo> keys = hsm.listKeys();
      List<Object> json = new ArrayList<>();
      Table table = new Table("LABEL", "TYPE", "CREATED", "PROTECTED");
      for (KeyInfo info : keys) {
        json.add(Views.key(info));
        String label = info.label().value();
        if (hsm.isHealthCanary(info.label())) {
          label += " (health canary)";
        }
        table.row(
            label,
            info.type(),
            info.createdAt().map(Object::toString).orElse("-"),
            info.isProtected() ? "yes" : "NO");
      }
      out.result(Map.of("keys", json), table.render());
    }
  }
}
