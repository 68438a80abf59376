package io.keygate.launcher;

import picocli.CommandLine.IVersionProvider;

/** The version Maven wrote into the jar's manifest (the distribution's version). */
final class LauncherVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Keygate.class.getPackage().getImplementationVersion();
    return new String[] {"keygate " + (version == null ? "(development build)" : version)};
  }
}
