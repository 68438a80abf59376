package io.keygate.admin.command;

import io.keygate.admin.cli.Output;
import picocli.CommandLine.ITypeConverter;

/** {@code --output text|json}, in any case. */
public final class FormatConverter implements ITypeConverter<Output.Format> {
  @Override
  public Output.Format convert(String value) {
    return Output.Format.parse(value);
  }
}
