package io.keygate.admin.command;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Output;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "destroy",
    description = {
      "Destroys a key in the token. This cannot be undone: whatever the key protected is lost.",
      "Offline, for bootstrap and recovery; on a running system destroy keys through the admin"
          + " API, where a second officer approves."
    })
public final class KeysDestroyCommand extends Verb {
  @Mixin TokenOptions token;

  @Option(
      names = "--label",
      required = true,
      converter = KeyLabelConverter.class,
      description = "label of the key to destroy")
  KeyLabel label;

  @Option(names = "--yes", description = "confirm that the key is to be destroyed")
  boolean confirmed;

  @Override
  protected void execute(CliEnvironment env, Output out) throws Exception {
    if (SunPkcs11Token.CANARY.equals(label)) {
      throw new AdminException(
          ExitCode.PERMISSION_DENIED,
          label
              + " is the adapter's health canary (it tells a lost key from a lost token);"
              + " it is never destroyed");
    }
    if (!confirmed) {
      throw new AdminException(
          ExitCode.USAGE, "destroying key '" + label + "' cannot be undone; add --yes to confirm");
    }
    try (HsmToken hsm = token.open(env, out)) {
      hsm.destroyKey(label);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("label", label.value());
      json.put("destroyed", true);
      out.result(json, "Destroyed key '" + label + "'.");
    }
  }
}
