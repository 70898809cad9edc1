package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One gate node's customer Gate peer registration on the SORACOM VPG. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SoracomRegistration(
    @JsonPropertyDescription("The gate node.") String node,
    @JsonPropertyDescription("The GatePeer the node belongs (or belonged) to.") String gatePeer,
    @JsonPropertyDescription("The node's outer address: the Gate peer's outerIpAddress.") String outerAddress,
    @JsonPropertyDescription("The inner address SimGate allocated: the Gate peer's innerIpAddress.") String innerAddress,
    @JsonPropertyDescription("SimGate registered this entry (or is about to), so it may unregister it; entries made by"
        + " anyone else are never removed.") boolean registeredBySimGate,
    @JsonPropertyDescription("The VPG lists exactly this outer and inner address as a customer Gate peer.") boolean inPlace,
    @JsonPropertyDescription("Why the registration is not in place, or who made it.") String message) {

  public SoracomRegistration withState(boolean inPlace, String message) {
    return new SoracomRegistration(node, gatePeer, outerAddress, innerAddress, registeredBySimGate, inPlace, message);
  }
}
