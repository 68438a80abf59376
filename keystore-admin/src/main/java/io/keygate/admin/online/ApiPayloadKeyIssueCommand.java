package io.keygate.admin.online;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.OutputFiles;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.IssuePayloadKeyRequest;
import io.keygate.proto.admin.v1.IssuedPayloadKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code api issue-payload-key}: a new payload key for one hop of an API, made in the gateway's
 * HSM and made current (admin API 1.9), or with {@code --staged} only accepted until {@code api
 * promote-payload-key} (1.11; docs/payload-encryption.md, section 6). The key reaches
 * this process only encrypted to a one-time RSA key made for this run, and is shown once (base64,
 * as the SDK's {@code PayloadKey.fromBase64} and the backend verifier's read it).
 */
@Command(
    name = "issue-payload-key",
    description = "Issues a new payload key for an API's client or backend hop and makes it"
        + " current (the one before stays accepted until retired), or with --staged accepted"
        + " only, until promoted; the tenant's admin.")
public final class ApiPayloadKeyIssueCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--id", required = true, description = "API id")
  String id;

  @Option(names = "--hop", required = true, paramLabel = "client|backend",
      description = "client: for the apps (they seal); backend: for the backend (it opens)")
  String hop;

  @Option(names = "--key-id", required = true, description = "the new key's id, e.g. c-2")
  String keyId;

  @Option(names = "--staged", description = "add the key accepted only (it opens, nothing is"
      + " sealed under it) until api promote-payload-key makes it current (admin API 1.11)")
  boolean staged;

  @Option(names = "--key-out", paramLabel = "FILE",
      description = "write the key (base64) to FILE, created 0600, instead of stdout")
  Path keyOut;

  @Override
  protected void beforeCall(CliEnvironment env) throws Exception {
    // A --key-out that could not be written must fail before a key exists.
    if (keyOut != null) {
      OutputFiles.requireAbsent(keyOut);
      Path dir = keyOut.toAbsolutePath().getParent();
      if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
        throw new AdminException(ExitCode.USAGE,
            "cannot create " + keyOut + ": its directory is not writable");
      }
    }
  }

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws Exception {
    OneTimeRecipient recipient = OneTimeRecipient.generate();
    IssuedPayloadKey issued = admin.issuePayloadKey(IssuePayloadKeyRequest.newBuilder()
        .setTenantId(tenant).setApiId(id).setHop(hop).setKeyId(keyId)
        .setStaged(staged).setRecipientPublicKey(recipient.publicKey()).build());
    boolean current = issued.getKey().getCurrent();
    String state = current ? "now current" : "staged (accepted, not current: promote it once its"
        + " holders have it)";
    byte[] raw = recipient.decrypt(issued.getKeyForRecipient().toByteArray());
    byte[] encoded = Base64.getEncoder().encode(raw);
    Arrays.fill(raw, (byte) 0);
    String what = "payload key " + keyId + " (" + hop + " hop) of API " + id + " of tenant "
        + tenant;
    try {
      if (keyOut != null) {
        byte[] line = Arrays.copyOf(encoded, encoded.length + 1);
        line[encoded.length] = '\n';
        try {
          OutputFiles.createPrivate(keyOut, line);
        } catch (IOException e) {
          throw new AdminException(ExitCode.FAILED, what + " was issued but could not be written"
              + " to " + keyOut + "; it is lost: issue another and retire this one", e);
        } finally {
          Arrays.fill(line, (byte) 0);
        }
        out.result(ProtoViews.map("apiId", id, "hop", hop, "keyId", keyId, "current", current,
            "keyFile", keyOut.toString()),
            "Issued " + what + ", " + state + ".\nThe key is in " + keyOut
                + " (mode 0600); it cannot be shown again.");
      } else {
        // A String cannot be zeroed; it lives only until this short-lived process exits.
        String key = new String(encoded, StandardCharsets.US_ASCII);
        out.result(ProtoViews.map("apiId", id, "hop", hop, "keyId", keyId, "current", current,
            "key", key),
            "Issued " + what + ", " + state + ":\n  " + key + "\nThis is the only time the key is"
                + " shown: store it now. It cannot be read back from the HSM.");
      }
    } finally {
      Arrays.fill(encoded, (byte) 0);
    }
  }
}
