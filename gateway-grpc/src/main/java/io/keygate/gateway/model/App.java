package io.keygate.gateway.model;

/** An app of a tenant; it calls APIs with its credentials (AccessKeys). */
public record App(String id, String tenantId, String name) {}
