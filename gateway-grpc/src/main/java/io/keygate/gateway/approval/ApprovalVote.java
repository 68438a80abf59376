package io.keygate.gateway.approval;

import java.time.Instant;

/** One officer's approval of a request; the requester's is the first. */
public record ApprovalVote(Officer officer, Instant approvedAt) {}
