package io.keygate.admin.command;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Output;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Base of every verb. It is where failures meet the {@link io.keygate.admin.cli.ExitCodeMapper}:
 * doing it here rather than in a picocli handler means the mapping holds however the command line
 * was built (tests build it with a bare {@code new CommandLine(...)}). Usage errors found while
 * parsing stay with picocli, which prints the usage and exits 2.
 */
public abstract class Verb implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  @Override
  public final Integer call() {
    AdminRoot root = (AdminRoot) spec.root().userObject();
    CommandLine line = spec.commandLine();
    Output output = new Output(line.getOut(), line.getErr(), root.outputFormat());
    try {
      execute(root.environment(), output);
      return ExitCode.OK.code();
    } catch (ParameterException e) {
      throw e;
    } catch (Exception e) {
      return root.exitCodes().report(e, line.getErr(), root.verbose());
    }
  }

  /** Does the work and prints the result through {@code out}; throws on any failure. */
  protected abstract void execute(CliEnvironment env, Output out) throws Exception;
}
