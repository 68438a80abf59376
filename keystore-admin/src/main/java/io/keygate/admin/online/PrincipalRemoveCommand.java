package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.RemovePrincipalRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;

@Command(
    name = "remove",
    description = {
      "Takes a client certificate's role away (the last security-officer stays).",
      "A security-officer can be removed this way only until the gateway has had as many officers"
          + " as approvals it requires; then it is refused (DualControlRequired, exit 5) and"
          + " 'approval request remove-officer' asks for it."
    })
public final class PrincipalRemoveCommand extends AdminVerb {
  @ArgGroup(exclusive = true, multiplicity = "1")
  PrincipalIdentity identity;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws Exception {
    RemovePrincipalRequest.Builder request = RemovePrincipalRequest.newBuilder();
    String shown;
    if (identity.isSubject()) {
      request.setSubject(identity.subject());
      shown = request.getSubject();
    } else {
      request.setCertificateSha256(identity.fingerprint());
      shown = "sha256 " + request.getCertificateSha256();
    }
    admin.removePrincipal(request.build());
    out.result(
        ProtoViews.map(
            "subject", identity.isSubject() ? request.getSubject() : null,
            "certificateSha256", identity.isSubject() ? null : request.getCertificateSha256(),
            "removed", true),
        "Removed admin principal " + shown + ".");
  }
}
