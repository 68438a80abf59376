package io.keygate.admin.declarative;

/** A configuration file that cannot be applied as written; the message names the field. */
public final class ConfigFileException extends Exception {
  private static final long serialVersionUID = 1L;

  ConfigFileException(String message) {
    super(message);
  }
}
