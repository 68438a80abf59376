package io.keygate.admin.online;

import picocli.CommandLine.Command;

/** The group {@code api}: without a verb, picocli reports the missing subcommand (exit 2). */
@Command(
    name = "api",
    description = "APIs of a tenant: gRPC method -> backend, auth mode (admin API).",
    subcommands = {
      ApiRegisterCommand.class,
      ApiUpdateCommand.class,
      ApiEncryptionCommand.class,
      ApiSignatureCommand.class,
      ApiPayloadKeysCommand.class,
      ApiPayloadKeyIssueCommand.class,
      ApiPayloadKeyPromoteCommand.class,
      ApiPayloadKeyRetireCommand.class,
      ApiRemoveCommand.class,
      ApiListCommand.class
    })
public final class ApiCommand {}
