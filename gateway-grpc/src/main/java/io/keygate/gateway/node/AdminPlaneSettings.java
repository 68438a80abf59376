package io.keygate.gateway.node;

import io.keygate.gateway.admin.access.IdentityMatch;
import io.keygate.gateway.admin.api.AdminServerSettings;
import java.time.Duration;
import java.util.Optional;

/**
 * The admin API of a node: where it listens and with which key and client CAs, the first
 * officer's certificate fingerprint (seeded while no principal exists), and dual control's M and
 * request lifetime.
 */
public record AdminPlaneSettings(
    AdminServerSettings server,
    Optional<IdentityMatch> firstOfficer,
    int approvalsRequired,
    Duration approvalTtl) {}
