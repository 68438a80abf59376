package io.keygate.gateway.model;

/** A tenant: owns APIs and apps; sees only its own objects. */
public record Tenant(String id, String name) {}
