package dev.simgate.operator.api.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Toleration;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatePeerSpec {
  @JsonPropertyDescription("Name of the VirtualPrivateGateway these gate peers connect to.")
  @Required
  @Size(min = 1, max = 253)
  @Pattern(Rules.DNS_SUBDOMAIN)
  public String vpgRef;

  @JsonPropertyDescription("Node labels that select the gate nodes (every label must match), as a Pod's nodeSelector.")
  @Required
  @Size(min = 1, max = 16)
  public Map<String, String> nodeSelector;

  @JsonPropertyDescription("Tolerations of the agent pods, e.g. for tainted dedicated gate nodes.")
  public List<Toleration> tolerations;

  @JsonPropertyDescription("IPv4 CIDR inside the VPG's deviceSubnet from which each gate node gets one inner address.")
  @Required
  @Size(max = 18)
  @ValidationRule(value = Rules.IPV4_CIDR, message = "innerAddressPool must be an IPv4 CIDR such as 10.128.255.0/24")
  public String innerAddressPool;

  @JsonPropertyDescription("Where a node's outer (underlay) address comes from.")
  public OuterAddress outerAddress = new OuterAddress();

  @JsonPropertyDescription("Name of the agent's TAP interface on each gate node (at most 15 characters).")
  @Default("simgate0")
  @Pattern("^[A-Za-z0-9_.-]{1,15}$")
  public String interfaceName = "simgate0";

  @JsonPropertyDescription("Agent container settings.")
  public AgentContainer agent = new AgentContainer();

  public GatePeerSpec() {}

  public GatePeerSpec(String vpgRef, Map<String, String> nodeSelector, String innerAddressPool) {
    this.vpgRef = vpgRef;
    this.nodeSelector = nodeSelector;
    this.innerAddressPool = innerAddressPool;
  }
}
