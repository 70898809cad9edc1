package dev.simgate.operator.devicesubnet;

import java.util.List;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.ExposedService;
import dev.simgate.operator.routes.RangeClaims;

/** The part of a DeviceSubnet's spec that is recorded with its claim: which pods may reach it, what SIMs may reach. */
final class ClaimTerms {
  private ClaimTerms() {}

  static RangeClaims.Terms of(DeviceSubnet subnet) {
    List<ExposedService> exposed = subnet.getSpec().exposedServices == null ? List.of() : subnet.getSpec().exposedServices;
    return new RangeClaims.Terms(subnet.getSpec().podSelector, exposed.stream()
        .map(e -> new RangeClaims.Exposure(e.service, e.portText(),
            (e.protocol == null ? ExposedService.Protocol.TCP : e.protocol).name(), e.innerPort))
        .toList());
  }
}
