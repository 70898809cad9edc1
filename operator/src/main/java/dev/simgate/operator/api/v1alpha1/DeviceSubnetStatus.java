package dev.simgate.operator.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeviceSubnetStatus extends StatusBase {
  @JsonPropertyDescription("Named devices published as Services (spec.devices and SIMs from SORACOM).")
  public Integer devices;

  @JsonPropertyDescription("What the gate peers route for this DeviceSubnet: the VPG and the CIDRs it holds, as last"
      + " accepted (a report: the gate peers read the operator's own record, never this field). A change that fails a"
      + " cross-object check leaves it, and the nodes, as they were; a namespace the VPG no longer admits loses it.")
  public RoutedCidrs routed;

  @JsonPropertyDescription("The devices taken from SORACOM, when spec.soracom is set.")
  public SoracomSimsStatus soracom;

  @Override
  public boolean equals(Object o) {
    return super.equals(o) && o instanceof DeviceSubnetStatus s && Objects.equals(devices, s.devices)
        && Objects.equals(routed, s.routed) && Objects.equals(soracom, s.soracom);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), devices, routed, soracom);
  }
}
