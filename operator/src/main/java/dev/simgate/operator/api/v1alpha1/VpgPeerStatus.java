package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One VPG peer as one gate node's agent sees it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VpgPeerStatus(
    @JsonPropertyDescription("The VPG peer's outer IPv4 address.") String address,
    @JsonPropertyDescription("Whether it answers the agent's probes.") boolean reachable,
    @JsonPropertyDescription("up, down (stopped answering) or pending (not answered yet).") String state,
    @JsonPropertyDescription("Round trip of the last answered probe, in milliseconds.") Double rttMillis) {}
