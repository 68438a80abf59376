package io.keygate.admin.online;

import io.keygate.admin.command.KeyLabelConverter;
import io.keygate.hsm.KeyLabel;
import io.keygate.proto.admin.v1.ActivateTlsKey;
import io.keygate.proto.admin.v1.DualControlOperation;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

@Command(
    name = "activate-tls-key",
    description = {
      "Asks to serve a prepared TLS key on a listener of every gateway node (needs the approval of"
          + " other security-officers).",
      "Once approved, nodes use it for new handshakes within seconds; live connections continue."
    })
public final class ApprovalRequestActivateTlsKeyCommand extends ApprovalRequestVerb {
  @Option(
      names = "--label",
      required = true,
      converter = KeyLabelConverter.class,
      description = "the TLS key, from 'tls prepare' or 'tls list'")
  KeyLabel label;

  @Option(
      names = "--listener",
      defaultValue = "ingress",
      converter = ListenerConverter.class,
      paramLabel = "ingress|admin",
      description = "ingress (the data plane) or admin (the admin API) (default: ${DEFAULT-VALUE})")
  String listener;

  @Override
  DualControlOperation operation() {
    return DualControlOperation.newBuilder()
        .setActivateTlsKey(
            ActivateTlsKey.newBuilder().setListener(listener).setLabel(label.value()))
        .build();
  }

  /** The listener names as the proto spells them; anything else is a usage error. */
  public static final class ListenerConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      if (!v.equals("ingress") && !v.equals("admin")) {
        throw new IllegalArgumentException("expected ingress or admin");
      }
      return v;
    }
  }
}
