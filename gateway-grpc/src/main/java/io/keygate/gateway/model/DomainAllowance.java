package io.keygate.gateway.model;

/**
 * A domain a security officer gave a tenant: its APIs are served under it, and calls sent to it
 * (the host of their {@code :authority}) reach only that tenant's APIs. A domain belongs to at
 * most one tenant. It plays the role of the X-Ca API group's bound domain.
 *
 * @param domain lower-case host name as {@link ApiDomain#domain} accepts it
 */
public record DomainAllowance(String tenantId, String domain) {}
