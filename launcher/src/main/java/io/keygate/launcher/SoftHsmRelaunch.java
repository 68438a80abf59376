package io.keygate.launcher;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * SoftHSM reads SOFTHSM2_CONF from the environment of the process that loads it, and a JVM cannot
 * change its own environment. {@code keygate init} makes a token in a new directory, so it runs
 * its work in a child JVM started with SOFTHSM2_CONF naming that directory's softhsm2.conf: the
 * same java, JVM options, class path and arguments; its output is this process's.
 */
final class SoftHsmRelaunch {
  private SoftHsmRelaunch() {}

  /** True if this process already has SOFTHSM2_CONF set to {@code softhsmConf}. */
  static boolean isSetTo(String current, Path softhsmConf) {
    return current != null && !current.isEmpty()
        && Path.of(current).toAbsolutePath().normalize().equals(softhsmConf);
  }

  /** Runs this program again with SOFTHSM2_CONF set; returns the child's exit status. */
  static int relaunch(Path softhsmConf, List<String> args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Keygate.class.getName());
    command.addAll(args);
    ProcessBuilder child = new ProcessBuilder(command).inheritIO();
    child.environment().put("SOFTHSM2_CONF", softhsmConf.toString());
    return child.start().waitFor();
  }
}
