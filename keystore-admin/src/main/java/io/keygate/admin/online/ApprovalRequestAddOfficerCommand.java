package io.keygate.admin.online;

import io.keygate.proto.admin.v1.AddSecurityOfficer;
import io.keygate.proto.admin.v1.DualControlOperation;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;

@Command(
    name = "add-officer",
    description = {
      "Asks to make a client certificate a security-officer (needs the approval of other"
          + " security-officers).",
      "Once the gateway has as many officers as approvals it requires, 'principal add --role"
          + " security-officer' is refused (DualControlRequired) and this is the way to add one."
    })
public final class ApprovalRequestAddOfficerCommand extends ApprovalRequestVerb {
  // The same options as 'principal add', so the identity approved is computed as that verb would.
  @ArgGroup(exclusive = true, multiplicity = "1")
  PrincipalIdentity identity;

  @Override
  DualControlOperation operation() throws Exception {
    AddSecurityOfficer.Builder officer = AddSecurityOfficer.newBuilder();
    if (identity.isSubject()) {
      officer.setSubject(identity.subject());
    } else {
      officer.setCertificateSha256(identity.fingerprint());
    }
    return DualControlOperation.newBuilder().setAddSecurityOfficer(officer).build();
  }
}
