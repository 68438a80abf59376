package io.keygate.gateway.model;

/** Permission for an app to call an API of its own tenant. */
public record Grant(String tenantId, String appId, String apiId) {}
