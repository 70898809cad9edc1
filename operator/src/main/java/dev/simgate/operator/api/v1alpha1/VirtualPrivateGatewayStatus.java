package dev.simgate.operator.api.v1alpha1;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class VirtualPrivateGatewayStatus extends StatusBase {
  @JsonPropertyDescription("Number of GatePeers that reference this VPG.")
  public Integer gatePeers;

  @JsonPropertyDescription("Gate nodes of all those GatePeers.")
  public Integer nodes;

  @JsonPropertyDescription("Gate nodes whose agent pod is ready.")
  public Integer readyNodes;

  @JsonPropertyDescription("Number of DeviceSubnets that reference this VPG (in any namespace).")
  public Integer deviceSubnets;

  @JsonPropertyDescription("Named devices across those DeviceSubnets.")
  public Integer devices;

  @JsonPropertyDescription("Each VPG peer: how many gate nodes reach it, as their agents report.")
  public List<VpgPeerReachability> vpgPeers;

  @JsonPropertyDescription("The SORACOM VPG and the Gate peer registrations, when spec.soracom is set.")
  public SoracomVpgStatus soracom;

  @Override
  public boolean equals(Object o) {
    return super.equals(o)
        && o instanceof VirtualPrivateGatewayStatus s
        && Objects.equals(gatePeers, s.gatePeers)
        && Objects.equals(nodes, s.nodes)
        && Objects.equals(readyNodes, s.readyNodes)
        && Objects.equals(deviceSubnets, s.deviceSubnets)
        && Objects.equals(devices, s.devices)
        && Objects.equals(vpgPeers, s.vpgPeers)
        && Objects.equals(soracom, s.soracom);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), gatePeers, nodes, readyNodes, deviceSubnets, devices, vpgPeers, soracom);
  }
}
