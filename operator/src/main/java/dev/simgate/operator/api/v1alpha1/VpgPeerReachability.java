package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One VPG peer as all gate nodes of the VPG see it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VpgPeerReachability(
    @JsonPropertyDescription("The VPG peer's outer IPv4 address (spec.peers).") String address,
    @JsonPropertyDescription("Gate nodes whose agent reported on it.") int gateNodes,
    @JsonPropertyDescription("Gate nodes whose agent gets answers from it.") int reachableFrom,
    @JsonPropertyDescription("Largest round trip to it among those nodes, in milliseconds.") Double maxRttMillis) {}
