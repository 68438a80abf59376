package io.keygate.admin.command;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCodeMapper;
import io.keygate.admin.cli.Output;

/**
 * What every verb needs from the top command. The top command implements it, so verbs reach it
 * through picocli's command tree without this package depending on the one that wires it.
 */
public interface AdminRoot {
  CliEnvironment environment();

  Output.Format outputFormat();

  boolean verbose();

  ExitCodeMapper exitCodes();
}
