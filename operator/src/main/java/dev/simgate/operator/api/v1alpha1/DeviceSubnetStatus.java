package dev.simgate.operator.api.v1alpha1;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.ObjectMapper;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeviceSubnetStatus extends StatusBase {
  private static final ObjectMapper COPIER = new ObjectMapper();

  @JsonPropertyDescription("Named devices published in cluster DNS (spec.devices and SIMs from SORACOM).")
  public Integer devices;

  @JsonPropertyDescription("What the gate peers route for this DeviceSubnet: the VPG and the CIDRs it holds, as last"
      + " accepted (a report: the gate peers read the operator's own record, never this field). A change that fails a"
      + " cross-object check leaves it, and the nodes, as they were; a namespace the VPG no longer admits loses it.")
  public RoutedCidrs routed;

  @JsonPropertyDescription("The devices taken from SORACOM, when spec.soracom is set.")
  public SoracomSimsStatus soracom;

  // Written by the operator's access controller under its own field manager (server-side apply), so the two writers
  // of this status never remove each other's fields.
  @JsonPropertyDescription("Pods that may reach the SIMs now (the nodes' access rules).")
  public PodAccess access;

  @JsonPropertyDescription("spec.exposedServices as the gate nodes apply them: where SIMs reach each, and why not.")
  public List<ExposedServiceStatus> exposedServices;

  /** This status without the fields the access controller writes: what the DeviceSubnet controller compares. */
  public DeviceSubnetStatus withoutAccess() {
    DeviceSubnetStatus copy = COPIER.convertValue(this, DeviceSubnetStatus.class); // every other field, present or future
    copy.access = null;
    copy.exposedServices = null;
    return copy;
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o) && o instanceof DeviceSubnetStatus s && Objects.equals(devices, s.devices)
        && Objects.equals(routed, s.routed) && Objects.equals(soracom, s.soracom)
        && Objects.equals(access, s.access) && Objects.equals(exposedServices, s.exposedServices);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), devices, routed, soracom, access, exposedServices);
  }
}
