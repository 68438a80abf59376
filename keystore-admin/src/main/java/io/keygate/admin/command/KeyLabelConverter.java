package io.keygate.admin.command;

import io.keygate.hsm.KeyLabel;
import picocli.CommandLine.ITypeConverter;

/** Rejects a bad label while parsing, so it is a usage error (exit 2) with the label's rules. */
public final class KeyLabelConverter implements ITypeConverter<KeyLabel> {
  @Override
  public KeyLabel convert(String value) {
    return KeyLabel.of(value);
  }
}
