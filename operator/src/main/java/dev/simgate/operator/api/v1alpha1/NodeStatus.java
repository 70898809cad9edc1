package dev.simgate.operator.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One gate node of a GatePeer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeStatus(
    @JsonPropertyDescription("Node name.") String name,
    @JsonPropertyDescription("Outer (underlay) IPv4 address that carries VXLAN.") String outerAddress,
    @JsonPropertyDescription("Inner IPv4 address on the overlay, from innerAddressPool; absent while none could be allocated.") String innerAddress,
    @JsonPropertyDescription("Whether the node's agent pod is ready.") boolean ready,
    @JsonPropertyDescription("Why the node is not serving, when it is not.") String message,
    @JsonPropertyDescription("Each VPG peer as this node's agent sees it (from the agent's /status); absent while the"
        + " operator has no recent report.") List<VpgPeerStatus> vpgPeers) {

  public NodeStatus(String name, String outerAddress, String innerAddress, boolean ready, String message) {
    this(name, outerAddress, innerAddress, ready, message, null);
  }
}
