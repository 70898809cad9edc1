package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A Gate peer of a SORACOM VPG, by its outer and inner address. */
public record SoracomPeer(
    @JsonPropertyDescription("outerIpAddress") String outerAddress,
    @JsonPropertyDescription("innerIpAddress") String innerAddress) {}
