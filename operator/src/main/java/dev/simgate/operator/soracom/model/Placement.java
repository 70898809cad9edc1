package dev.simgate.operator.soracom.model;

/** {@code Placement} (reference §7.11). */
public record Placement(String infrastructureProvider, String region) {}
