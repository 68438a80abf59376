package io.keygate.gateway.config;

/** A tenant: owns APIs and apps; sees only its own objects. */
public record Tenant(String id, String name) {}
