package dev.simgate.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetSpec;

class DeviceChecksTest {
  private static DeviceSubnetSpec spec(Device... devices) {
    return new DeviceSubnetSpec("vpg", List.of("10.128.0.0/24", "10.129.0.0/24"), new ArrayList<>(List.of(devices)));
  }

  @Test
  void uniqueNamesAndAddressesInsideTheCidrsPass() {
    assertThat(DeviceChecks.devices(spec())).isEmpty();
    assertThat(DeviceChecks.devices(spec(new Device("a", "10.128.0.1"), new Device("b", "10.129.0.255"))))
        .isEmpty();
  }

  @Test
  void eachRuleNamesTheDevicesAtFault() {
    assertThat(DeviceChecks.devices(spec(new Device("a", "10.128.0.1"), new Device("a", "10.128.0.2"))))
        .contains(new Problem(Problem.INVALID_DEVICES, "spec.devices[1].name 'a' is also spec.devices[0]'s"));
    assertThat(DeviceChecks.devices(spec(new Device("a", "10.128.0.1"), new Device("b", "10.128.0.1"))))
        .contains(new Problem(Problem.INVALID_DEVICES,
            "spec.devices[1].address 10.128.0.1 ('b') is also spec.devices[0]'s ('a')"));
    assertThat(DeviceChecks.devices(spec(new Device("a", "10.130.0.1"))))
        .contains(new Problem(Problem.INVALID_DEVICES,
            "spec.devices[0].address 10.130.0.1 ('a') is inside none of spec.cidrs [10.128.0.0/24, 10.129.0.0/24]"));
    assertThat(DeviceChecks.devices(spec(new Device("a", "10.128.0.300"))))
        .contains(new Problem(Problem.INVALID_DEVICES, "spec.devices[0].address '10.128.0.300' is not an IPv4 address"));
  }

  @Test
  void theFirstFaultIsNamedAndTheOthersCounted() {
    var problem = DeviceChecks.devices(spec(new Device("a", "10.128.0.1"), new Device("a", "10.128.0.1"),
        new Device("c", "10.200.0.1")));
    assertThat(problem).get().extracting(Problem::message)
        .isEqualTo("spec.devices[1].name 'a' is also spec.devices[0]'s (and 2 more device problems)");
  }
}
