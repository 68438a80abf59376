package io.keygate.gateway.model;

/**
 * A value that breaks the rule of its field (an id, a name, a backend target): the caller's
 * mistake, which the admin API answers with INVALID_ARGUMENT. Thrown only where input is
 * checked, so that any other {@link IllegalArgumentException} stays what it is, a bug of ours.
 * The message names the field and its rule, for the log; it never carries a secret.
 */
public final class InvalidValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidValueException(String message) {
    super(message);
  }
}
