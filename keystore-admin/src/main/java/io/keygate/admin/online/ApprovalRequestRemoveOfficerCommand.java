package io.keygate.admin.online;

import io.keygate.proto.admin.v1.DualControlOperation;
import io.keygate.proto.admin.v1.RemoveSecurityOfficer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "remove-officer",
    description = {
      "Asks to take the security-officer role from a client certificate (needs the approval of"
          + " other security-officers). Demoting is this, then 'principal add' with the new role.",
      "Once the gateway has had as many officers as approvals it requires, 'principal remove' of"
          + " an officer is refused (DualControlRequired) and this is the way to remove one.",
      "Refused (BelowQuorum) if fewer officers than approvals required would remain, unless"
          + " --allow-below-quorum: then no dual-controlled operation, adding an officer included,"
          + " can run until officers are added outside the gateway."
    })
public final class ApprovalRequestRemoveOfficerCommand extends ApprovalRequestVerb {
  // The same options as 'principal remove': the identity exactly as it is mapped.
  @ArgGroup(exclusive = true, multiplicity = "1")
  PrincipalIdentity identity;

  @Option(
      names = "--allow-below-quorum",
      description = "accept that fewer security-officers than approvals required remain")
  boolean allowBelowQuorum;

  @Override
  DualControlOperation operation() throws Exception {
    RemoveSecurityOfficer.Builder officer = RemoveSecurityOfficer.newBuilder();
    if (identity.isSubject()) {
      officer.setSubject(identity.subject());
    } else {
      officer.setCertificateSha256(identity.fingerprint());
    }
    officer.setAllowBelowQuorum(allowBelowQuorum);
    return DualControlOperation.newBuilder().setRemoveSecurityOfficer(officer).build();
  }
}
