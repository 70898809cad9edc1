package dev.simgate.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.api.v1alpha1.Device;

class DeviceChecksTest {
  private static final List<Cidr> CIDRS = List.of(Cidr.parse("10.128.0.0/24"), Cidr.parse("10.129.0.0/24"));

  private static Optional<Problem> check(Device... devices) {
    return DeviceChecks.devices(List.of(devices), CIDRS);
  }

  @Test
  void uniqueNamesAndAddressesInsideTheCidrsPass() {
    assertThat(check()).isEmpty();
    assertThat(check(new Device("a", "10.128.0.1"), new Device("b", "10.129.0.255")))
        .isEmpty();
  }

  @Test
  void eachRuleNamesTheDevicesAtFault() {
    assertThat(check(new Device("a", "10.128.0.1"), new Device("a", "10.128.0.2")))
        .contains(new Problem(Problem.INVALID_DEVICES, "spec.devices[1].name 'a' is also spec.devices[0]'s"));
    assertThat(check(new Device("a", "10.128.0.1"), new Device("b", "10.128.0.1")))
        .contains(new Problem(Problem.INVALID_DEVICES,
            "spec.devices[1].address 10.128.0.1 ('b') is also spec.devices[0]'s ('a')"));
    assertThat(check(new Device("a", "10.130.0.1")))
        .contains(new Problem(Problem.INVALID_DEVICES,
            "spec.devices[0].address 10.130.0.1 ('a') is inside none of spec.cidrs [10.128.0.0/24, 10.129.0.0/24]"));
    assertThat(check(new Device("a", "10.128.0.300")))
        .contains(new Problem(Problem.INVALID_DEVICES, "spec.devices[0].address '10.128.0.300' is not an IPv4 address"));
  }

  @Test
  void theFirstFaultIsNamedAndTheOthersCounted() {
    var problem = check(new Device("a", "10.128.0.1"), new Device("a", "10.128.0.1"),
        new Device("c", "10.200.0.1"));
    assertThat(problem).get().extracting(Problem::message)
        .isEqualTo("spec.devices[1].name 'a' is also spec.devices[0]'s (and 2 more device problems)");
  }
}
