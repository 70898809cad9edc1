package dev.simgate.operator.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One entry of spec.exposedServices as the gate nodes apply it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExposedServiceStatus(
    @JsonPropertyDescription("The Service's name.") String service,
    @JsonPropertyDescription("The Service port as written in the spec (number or name).") String port,
    @JsonPropertyDescription("TCP or UDP.") String protocol,
    @JsonPropertyDescription("The port SIMs connect to.") int innerPort,
    @JsonPropertyDescription("Where SIMs reach it: inner address:innerPort of each gate node of the VPG.")
    List<String> addresses,
    @JsonPropertyDescription("Ready endpoints the gate nodes translate connections to.") int endpoints,
    @JsonPropertyDescription("Why it is not reachable, when it is not (not accepted, no such Service or port, no"
        + " ready endpoint, no gate node).") String message) {}
