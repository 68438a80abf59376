package io.keygate.gateway.config;

/** Permission for an app to call an API of its own tenant. */
public record Grant(String tenantId, String appId, String apiId) {}
