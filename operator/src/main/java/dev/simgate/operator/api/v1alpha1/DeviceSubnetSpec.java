package dev.simgate.operator.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeviceSubnetSpec {
  @JsonPropertyDescription("Name of the VirtualPrivateGateway that reaches these SIMs.")
  @Required
  @Size(min = 1, max = 253)
  @Pattern(Rules.DNS_SUBDOMAIN)
  public String vpgRef;

  @JsonPropertyDescription("IPv4 CIDRs of the SIMs, each inside the VPG's deviceSubnet. Gate nodes route them into the tunnel.")
  @Required
  @Size(min = 1, max = 16)
  @ValidationRule(value = "self.all(c, isCIDR(c) && cidr(c).ip().family() == 4)", message = "cidrs must be IPv4 CIDRs such as 10.128.0.0/16")
  public List<@Size(min = 9, max = 18) String> cidrs;

  @JsonPropertyDescription("Pods of this namespace that may reach the SIMs, from whichever node they run on. Unset: no"
      + " pod; {} : every pod of the namespace. hostNetwork pods are not confined (they send as their node).")
  public LabelSelector podSelector;

  @JsonPropertyDescription("Services of this namespace that the SIMs may open connections to, each on a port of the"
      + " gate nodes' inner addresses (at most 16; innerPort and protocol unique). Nothing else is reachable from the"
      + " SIMs.")
  @Size(max = 16)
  @ValidationRule(value = "self.all(a, self.exists_one(b, b.innerPort == a.innerPort && b.protocol == a.protocol))",
      message = "exposedServices[].innerPort must be unique per protocol")
  public List<ExposedService> exposedServices = new ArrayList<>();

  @JsonPropertyDescription("Named SIMs: '<name>.<devicesubnet>.<namespace>.svc' resolves to the address through the"
      + " DeviceSubnet's headless Service. At most 500; names and addresses unique, each address inside one of cidrs (the"
      + " operator checks these and reports a DeviceSubnet that breaks them as Stalled, reason InvalidDevices).")
  @Size(max = 500)
  // No CEL over the list: it would run on every write of the object, status writes included (DeviceChecks).
  public List<Device> devices = new ArrayList<>();

  @JsonPropertyDescription("Also give each device a Service of its own, so that '<name>.<namespace>.svc' resolves too"
      + " (the names of SimGate 0.1). Costs two API objects per device, and the device names then share the namespace's"
      + " Service names. Default false.")
  public Boolean perDeviceServices;

  @JsonPropertyDescription("Also publish the SIMs of a SORACOM group or tag as named devices, read through the API"
      + " credentials of the VPG (its spec.soracom), addressed by their static IP address map entry, else their session.")
  public SoracomSimsSpec soracom;

  public DeviceSubnetSpec() {}

  public DeviceSubnetSpec(String vpgRef, List<String> cidrs, List<Device> devices) {
    this.vpgRef = vpgRef;
    this.cidrs = cidrs;
    this.devices = devices;
  }

  public boolean wantsPerDeviceServices() {
    return Boolean.TRUE.equals(perDeviceServices);
  }
}
