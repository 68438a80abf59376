package io.keygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@code keygate ARGS} as a process of its own, on this module's class path. */
final class LauncherProcess {
  record Result(int status, String out, String err) {}

  private LauncherProcess() {}

  static Result run(Map<String, String> environment, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Dkeygate.softhsm.config.dir=" + System.getProperty("keygate.softhsm.config.dir"),
        "-cp", System.getProperty("java.class.path"), Keygate.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("KEYGATE_")
        || name.equals("SOFTHSM2_CONF"));
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process, true));
    String out = read(process, false);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("keygate %s finished", args[0]).isTrue();
    return new Result(process.exitValue(), out, err.get());
  }

  private static String read(Process process, boolean err) {
    try {
      return new String((err ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
          StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
