package io.keygate.admin.online;

import picocli.CommandLine.Command;

/**
 * The group {@code credential}: without a verb, picocli reports the missing subcommand (exit 2).
 */
@Command(
    name = "credential",
    description = "AccessKey credentials of apps: issue, rotate, retire, revoke (admin API).",
    subcommands = {
      CredentialCreateCommand.class,
      CredentialAddCommand.class,
      CredentialRetireCommand.class,
      CredentialRevokeCommand.class,
      CredentialListCommand.class
    })
public final class CredentialCommand {}
