package dev.simgate.operator.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * {@code VirtualPrivateGateway.status.soracom}: the SORACOM VPG as last read, and the Gate peer registrations. The
 * registrations marked {@code registeredBySimGate} are the persisted record of what SimGate registered: only those are
 * ever unregistered. Kept as it was while the API cannot be reached, so the gate peers keep their configuration.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SoracomVpgStatus {
  @JsonPropertyDescription("The SORACOM VPG id this status and the registrations belong to.")
  public String vpgId;

  @JsonPropertyDescription("Whether Gate is open on the VPG (gateOpened), as last read.")
  public Boolean gateOpen;

  @JsonPropertyDescription("The VPG's VXLAN id (gateVxlanId), as last read.")
  public Integer vni;

  @JsonPropertyDescription("The VPG's device subnet (deviceSubnetCidrRange), as last read.")
  public String deviceSubnet;

  @JsonPropertyDescription("Outer addresses of the VPG's own Gate peers (ownedByCustomer: false), as last read. The"
      + " gate peers use them when spec.peers is empty.")
  public List<String> vpgPeers;

  @JsonPropertyDescription("Set when spec.peers and the VPG's own Gate peers differ (the gate peers use spec.peers).")
  public String peersDiffer;

  @JsonPropertyDescription("One entry per gate node of the GatePeers on this VPG (and per SimGate registration of a node"
      + " that has left, until it is unregistered): whether its Gate peer registration is in place.")
  public List<SoracomRegistration> registrations = new ArrayList<>();

  @JsonPropertyDescription("Customer Gate peers of the VPG that SimGate did not register and no gate node matches:"
      + " reported, never changed.")
  public List<SoracomPeer> otherCustomerPeers;

  @JsonPropertyDescription("The last failed SORACOM call, with the API's error code and message; cleared by the next"
      + " successful sync.")
  public SoracomError lastError;

  @Override
  public boolean equals(Object o) {
    return o instanceof SoracomVpgStatus s
        && Objects.equals(vpgId, s.vpgId)
        && Objects.equals(gateOpen, s.gateOpen)
        && Objects.equals(vni, s.vni)
        && Objects.equals(deviceSubnet, s.deviceSubnet)
        && Objects.equals(vpgPeers, s.vpgPeers)
        && Objects.equals(peersDiffer, s.peersDiffer)
        && Objects.equals(registrations, s.registrations)
        && Objects.equals(otherCustomerPeers, s.otherCustomerPeers)
        && Objects.equals(lastError, s.lastError);
  }

  @Override
  public int hashCode() {
    return Objects.hash(vpgId, gateOpen, vni, deviceSubnet, vpgPeers, peersDiffer, registrations, otherCustomerPeers, lastError);
  }

  /** A copy whose lists can be changed without touching this one. */
  public SoracomVpgStatus copy() {
    SoracomVpgStatus c = new SoracomVpgStatus();
    c.vpgId = vpgId;
    c.gateOpen = gateOpen;
    c.vni = vni;
    c.deviceSubnet = deviceSubnet;
    c.vpgPeers = vpgPeers == null ? null : List.copyOf(vpgPeers);
    c.peersDiffer = peersDiffer;
    c.registrations = registrations == null ? new ArrayList<>() : new ArrayList<>(registrations);
    c.otherCustomerPeers = otherCustomerPeers == null ? null : List.copyOf(otherCustomerPeers);
    c.lastError = lastError;
    return c;
  }
}
