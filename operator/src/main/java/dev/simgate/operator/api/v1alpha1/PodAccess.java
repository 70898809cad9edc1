package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How many pods may reach a DeviceSubnet's SIMs now, as the nodes are told, and what stands in the way. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodAccess(
    @JsonPropertyDescription("Pods selected by spec.podSelector (as last accepted) that have an address and have not"
        + " finished or started terminating: the nodes they run on let them reach the CIDRs in status.routed.")
    int pods,
    @JsonPropertyDescription("Why pods have no access, or only some of them; absent when nothing stands in the way.")
    String message) {}
