package io.keygate.admin.online;

import picocli.CommandLine.Command;

/**
 * The group {@code credential}: without a verb, picocli reports the missing subcommand (exit 2).
 */
@Command(
    name = "credential",
    description = {
      "AccessKey credentials of apps: issue, rotate, retire, revoke (admin API).",
      "Issuing (create, add, bulk-create) is for the tenant-admin of the app's tenant; security-officers may"
          + " retire, revoke and list."
    },
    subcommands = {
      CredentialCreateCommand.class,
      CredentialAddCommand.class,
      CredentialBulkCreateCommand.class,
      CredentialRetireCommand.class,
      CredentialRevokeCommand.class,
      CredentialListCommand.class
    })
public final class CredentialCommand {}
