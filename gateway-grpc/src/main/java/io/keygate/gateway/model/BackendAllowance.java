package io.keygate.gateway.model;

/**
 * A backend target a security officer allowed a tenant's APIs to forward to. A tenant-admin can
 * point an API only at its tenant's allowed targets, so a tenant cannot reach another tenant's
 * backend or an internal address (SSRF) through the gateway.
 *
 * @param target as written in the APIs that use it (compared exactly), a {@link BackendTarget}
 * @param allowUnauthenticated whether APIs on this target may use {@link AuthMode#NONE}: exposing
 *     a backend to anyone who reaches the gateway is the officer's deliberate choice
 */
public record BackendAllowance(String tenantId, String target, boolean allowUnauthenticated) {}
