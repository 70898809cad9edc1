package dev.simgate.operator.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.deviceSubnet) || has(self.soracom)",
    message = "deviceSubnet is required unless soracom is set (then it is read from the SORACOM VPG)",
    fieldPath = ".deviceSubnet")
@ValidationRule(value = "(has(self.peers) && size(self.peers) > 0) || has(self.soracom)",
    message = "peers must list at least 1 VPG peer unless soracom is set (then the SORACOM VPG's own peers are used)",
    fieldPath = ".peers")
@ValidationRule(value = "!has(self.probe) || !has(self.probe.address) || !has(self.deviceSubnet)"
    + " || !isCIDR(self.deviceSubnet) || !isIP(self.probe.address) || cidr(self.deviceSubnet).containsIP(self.probe.address)",
    message = "probe.address must be inside deviceSubnet (ARP reaches only the overlay's own addresses)")
public class VirtualPrivateGatewaySpec {
  @JsonPropertyDescription("VXLAN network identifier shared with the VPG (1..16777215). Unset: the SORACOM VPG's"
      + " gateVxlanId with spec.soracom, else 10 (SORACOM's default).")
  @Min(1)
  @Max(16777215)
  public Integer vni;

  @JsonPropertyDescription("UDP port of VXLAN on both ends. Default 4789.")
  @Min(1)
  @Max(65535)
  @Default("4789")
  public Integer port = 4789;

  @JsonPropertyDescription("IPv4 CIDR of the overlay subnet shared by SIMs and gate peers, e.g. 10.128.0.0/9. May be"
      + " left out with spec.soracom: then the SORACOM VPG's deviceSubnetCidrRange is used; if given, it is checked"
      + " against it.")
  @Size(max = 18)
  @ValidationRule(value = Rules.IPV4_CIDR, message = "deviceSubnet must be an IPv4 CIDR such as 10.128.0.0/9")
  public String deviceSubnet;

  @JsonPropertyDescription("Outer (underlay) IPv4 addresses of the VPG's own VXLAN endpoints: 1 to 8, unique. May be"
      + " left out with spec.soracom: then the SORACOM VPG's own Gate peers (ownedByCustomer: false) are used.")
  @Size(max = 8)
  @ValidationRule(value = "self.all(p, isIP(p) && ip(p).family() == 4)", message = "peers must be IPv4 addresses")
  @ValidationRule(value = "self.all(p, self.exists_one(q, q == p))", message = "peers must be unique")
  public List<@Size(min = 7, max = 15) String> peers;

  @JsonPropertyDescription("MTU of the gate peers' VXLAN interface. Unset: the agent uses underlay MTU - 50.")
  @Min(576)
  @Max(9000)
  public Integer mtu;

  @JsonPropertyDescription("Namespaces whose DeviceSubnets may use this VPG. Unset: none; {} : all namespaces.")
  public LabelSelector namespaceSelector;

  @JsonPropertyDescription("How the agents check each VPG peer (reachability, failover, readiness). Unset: ARP for"
      + " the device subnet's first host address every 100 ms, down after 3 unanswered.")
  public VpgProbe probe;

  @JsonPropertyDescription("Opt-in: this is a SORACOM VPG and the operator uses its API to read it, register every gate"
      + " node as a Gate peer, and (if asked) open Gate. Unset: SORACOM's API is never called.")
  public SoracomVpgSpec soracom;

  public VirtualPrivateGatewaySpec() {}

  public VirtualPrivateGatewaySpec(String deviceSubnet, List<String> peers) {
    this.deviceSubnet = deviceSubnet;
    this.peers = peers;
  }
}
