package io.keygate.admin.command;

import picocli.CommandLine.Command;

/** The group {@code kek}; without a verb picocli reports the missing subcommand (exit 2). */
@Command(
    name = "kek",
    description = {
      "Key-encryption keys (offline, on the HSM, as its security officer): the keys AccessSecrets"
          + " are wrapped under (docs/key-hierarchy.md).",
      "Needs the token's SO PIN, and no process logged in to the token as its user (stop the"
          + " node on this machine first if it shares the token's library).",
      "Retiring a KEK is online, under dual control, where the gateway checks that no credential"
          + " is wrapped under it: 'approval request destroy-kek --kek ID'."
    },
    subcommands = {KekGenerateCommand.class, KekGeneratePayloadCommand.class,
        KekListCommand.class})
public final class KekCommand {}
