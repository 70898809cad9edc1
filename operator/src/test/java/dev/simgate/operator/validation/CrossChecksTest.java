package dev.simgate.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.simgate.operator.Fixtures;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import io.fabric8.kubernetes.api.model.HasMetadata;

class CrossChecksTest {
  private static final Map<String, String> IOT = Map.of(Fixtures.IOT_LABEL, "true");

  private static <T extends HasMetadata> T created(T object, String timestamp) {
    object.getMetadata().setCreationTimestamp(timestamp);
    return object;
  }

  @Test
  void gatePeerNeedsAnExistingVpg() {
    var peer = Fixtures.gatePeer("gp", "missing", "10.255.255.0/24");
    assertThat(CrossChecks.gatePeer(peer, null, List.of(peer))).get()
        .extracting(Problem::reason).isEqualTo(Problem.VPG_NOT_FOUND);
  }

  @Test
  void poolMustLieInsideTheDeviceSubnet() {
    var peer = Fixtures.gatePeer("gp", "vpg", "10.0.0.0/24");
    var problem = CrossChecks.gatePeer(peer, Fixtures.vpg("vpg"), List.of(peer)).orElseThrow();
    assertThat(problem.reason()).isEqualTo(Problem.POOL_OUTSIDE_DEVICE_SUBNET);
    assertThat(problem.message()).contains("spec.innerAddressPool", "10.0.0.0/24", "10.128.0.0/9");
  }

  @Test
  void overlappingPoolsBlameTheYoungerGatePeer() {
    GatePeer old = created(Fixtures.gatePeer("old", "vpg", "10.255.255.0/24"), "2026-01-01T00:00:00Z");
    GatePeer young = created(Fixtures.gatePeer("young", "vpg", "10.255.255.128/25"), "2026-01-02T00:00:00Z");
    var vpg = Fixtures.vpg("vpg");
    assertThat(CrossChecks.gatePeer(old, vpg, List.of(old, young))).isEmpty();
    assertThat(CrossChecks.gatePeer(young, vpg, List.of(old, young))).get()
        .extracting(Problem::reason).isEqualTo(Problem.POOL_OVERLAP);
    GatePeer otherVpg = created(Fixtures.gatePeer("other", "vpg2", "10.255.255.0/24"), "2025-01-01T00:00:00Z");
    assertThat(CrossChecks.gatePeer(old, vpg, List.of(old, otherVpg))).isEmpty();
  }

  @Test
  void deviceSubnetRules() {
    var vpg = Fixtures.vpg("vpg");
    var subnet = Fixtures.deviceSubnet("factory", "sims", "vpg");
    assertThat(CrossChecks.deviceSubnet(subnet, vpg, IOT, List.of())).isEmpty();
    assertThat(CrossChecks.deviceSubnet(subnet, null, IOT, List.of())).get()
        .extracting(Problem::reason).isEqualTo(Problem.VPG_NOT_FOUND);
    assertThat(CrossChecks.deviceSubnet(subnet, vpg, Map.of(), List.of())).get()
        .extracting(Problem::reason).isEqualTo(Problem.NAMESPACE_NOT_ALLOWED);
    vpg.getSpec().namespaceSelector = null;
    assertThat(CrossChecks.deviceSubnet(subnet, vpg, IOT, List.of())).get()
        .extracting(Problem::reason).isEqualTo(Problem.NAMESPACE_NOT_ALLOWED);
    vpg.getSpec().namespaceSelector = new io.fabric8.kubernetes.api.model.LabelSelector();
    assertThat(CrossChecks.deviceSubnet(subnet, vpg, Map.of(), List.of())).isEmpty();

    var outside = Fixtures.deviceSubnet("factory", "outside", "vpg");
    outside.getSpec().cidrs = List.of("192.168.0.0/16");
    assertThat(CrossChecks.deviceSubnet(outside, vpg, IOT, List.of())).get()
        .extracting(Problem::reason).isEqualTo(Problem.CIDR_OUTSIDE_DEVICE_SUBNET);

    var peer = Fixtures.gatePeer("gp", "vpg", "10.128.255.0/24");
    var wide = Fixtures.deviceSubnet("factory", "wide", "vpg");
    wide.getSpec().cidrs = List.of("10.128.0.0/9");
    assertThat(CrossChecks.deviceSubnet(wide, vpg, IOT, List.of(peer))).get()
        .extracting(Problem::reason).isEqualTo(Problem.CIDR_OVERLAP);
  }
}
