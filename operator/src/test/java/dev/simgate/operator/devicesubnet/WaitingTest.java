package dev.simgate.operator.devicesubnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.Fixtures;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetStatus;
import dev.simgate.operator.status.Conditions;
import dev.simgate.operator.validation.Problem;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

class WaitingTest {
  private static final Conditions CONDITIONS = new Conditions(Clock.systemUTC());

  private static DeviceSubnet subnet(int n, String vpg, String cidr, String refusedFor) {
    DeviceSubnet subnet = Fixtures.deviceSubnet("ns-" + n, "sims", vpg);
    subnet.getSpec().cidrs = List.of(cidr);
    subnet.getSpec().devices = List.of();
    subnet.setStatus(new DeviceSubnetStatus());
    subnet.getStatus().conditions = refusedFor == null ? CONDITIONS.ready(1, "DevicesPublished", "", null)
        : CONDITIONS.stalled(1, refusedFor, "", null);
    return subnet;
  }

  /** 200 DeviceSubnets on one VPG, all Ready, one refused for an overlap, one for the limit, one on another VPG. */
  private static List<DeviceSubnet> vpgOf200() {
    List<DeviceSubnet> all = new ArrayList<>();
    for (int n = 0; n < 200; n++) {
      all.add(subnet(n, "vpg", "10." + (128 + n / 256) + "." + (n % 256) + ".0/24", null));
    }
    all.add(subnet(200, "vpg", "10.128.0.0/24", Problem.CIDR_OVERLAP));
    all.add(subnet(201, "vpg", "10.200.0.0/24", Problem.ROUTE_LIMIT_EXCEEDED));
    all.add(subnet(202, "other", "10.128.0.0/24", Problem.CIDR_OVERLAP));
    all.add(subnet(203, "vpg", "10.201.0.0/24", Problem.NAMESPACE_NOT_ALLOWED));
    return all;
  }

  @Test
  void aChangeOnAVpgWakesOnlyTheDeviceSubnetsWaitingForARangeNotAllOfThem() {
    assertThat(Waiting.on(vpgOf200().stream(), "vpg"))
        .containsExactlyInAnyOrder(new ResourceID("sims", "ns-200"), new ResourceID("sims", "ns-201"));
  }

  @Test
  void aClusterRangeWakesTheDeviceSubnetsItOverlapsAndThoseItHeldBack() {
    List<DeviceSubnet> all = vpgOf200();
    all.add(subnet(204, "vpg", "10.250.0.0/24", Problem.CLUSTER_RANGE_OVERLAP));
    assertThat(Waiting.onClusterRanges(all.stream(), List.of(Cidr.parse("10.128.5.0/24"))))
        .containsExactlyInAnyOrder(new ResourceID("sims", "ns-5"), new ResourceID("sims", "ns-204"));
  }
}
