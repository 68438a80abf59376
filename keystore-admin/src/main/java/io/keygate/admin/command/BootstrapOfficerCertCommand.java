package io.keygate.admin.command;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.OutputFiles;
import io.keygate.admin.pki.AdminCertificates;
import io.keygate.admin.pki.Pem;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "officer-cert",
    description = {
      "Issues a security officer's TLS client certificate, signed by the admin CA key in the"
          + " token.",
      "The officer's private key is generated here, in software, and written to a new 0600 file:",
      "it is the officer's credential; move it to their machine or smartcard and delete this copy."
    })
public final class BootstrapOfficerCertCommand extends Verb {
  /** Named explicitly: no reliance on JCA provider order (a PKCS#11 provider may be first). */
  private static final String SOFTWARE_EC_PROVIDER = "SunEC";

  @Mixin TokenOptions token;

  @Option(
      names = "--ca-label",
      defaultValue = "admin-ca",
      converter = KeyLabelConverter.class,
      description = "label of the admin CA key (default: ${DEFAULT-VALUE})")
  KeyLabel caLabel;

  @Option(names = "--cn", required = true, paramLabel = "NAME", description = "the officer's name")
  String commonName;

  @Option(
      names = "--days",
      defaultValue = "365",
      description = "validity (default: ${DEFAULT-VALUE})")
  int days;

  @Option(
      names = "--out-cert",
      required = true,
      paramLabel = "FILE",
      description = "certificate PEM")
  Path certOut;

  @Option(
      names = "--out-key",
      required = true,
      paramLabel = "FILE",
      description = "private key PEM (PKCS#8, created 0600)")
  Path keyOut;

  @Override
  protected void execute(CliEnvironment env, Output out) throws Exception {
    var validity = SubjectOptions.days(days);
    OutputFiles.requireAbsent(certOut, keyOut);
    try (HsmToken hsm = token.open(env, out)) {
      X509Certificate ca = hsm.certificateChain(caLabel).get(0);
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", SOFTWARE_EC_PROVIDER);
      generator.initialize(new ECGenParameterSpec("secp256r1"), env.random());
      KeyPair officer = generator.generateKeyPair();
      X509Certificate cert =
          new AdminCertificates(env.random())
              .clientCertificate(
                  hsm,
                  caLabel,
                  ca,
                  commonName,
                  officer.getPublic(),
                  validity,
                  env.clock().instant());
      // The token signed it; checking with the CA's public key catches a wrong key or label.
      cert.verify(ca.getPublicKey());
      byte[] pkcs8 = officer.getPrivate().getEncoded();
      byte[] pem = Pem.encode("PRIVATE KEY", pkcs8).getBytes(StandardCharsets.US_ASCII);
      try {
        OutputFiles.createPrivate(keyOut, pem);
      } finally {
        Arrays.fill(pkcs8, (byte) 0);
        Arrays.fill(pem, (byte) 0);
      }
      OutputFiles.createPublic(certOut, Pem.certificate(cert));
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("certificate", Views.certificate(cert));
      json.put("certificateFile", certOut.toString());
      json.put("keyFile", keyOut.toString());
      json.put("caLabel", caLabel.value());
      json.put(
          "note",
          "the key file is the officer's credential: move it to their machine or smartcard");
      out.result(
          json,
          "Issued officer "
              + Views.certificateLine(cert)
              + "  signed by CA key '"
              + caLabel
              + "' in the token\n"
              + "Certificate: "
              + certOut
              + "\n"
              + "Private key: "
              + keyOut
              + " (mode 0600)\n"
              + "The private key file is the officer's credential: move it to their machine or"
              + " smartcard,\nthen delete this copy. Anyone holding it can act as "
              + commonName
              + ".\n");
    }
  }
}
