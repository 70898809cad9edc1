package dev.simgate.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Ipv4;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

class PolicyPodsTest {
  static PodBuilder running(String ip) {
    return new PodBuilder().withNewMetadata().withNamespace("factory").withName("p").withLabels(Map.of("app", "t"))
        .endMetadata().withNewSpec().withNodeName("node-1").endSpec()
        .withNewStatus().withPhase("Running").withPodIP(ip).addNewPodIP().withIp(ip).endPodIP().endStatus();
  }

  @Test
  void aPodCountsWithAnIpv4AddressOnANodeUntilItFinishesOrIsDeleted() {
    assertThat(PolicyPods.of(running("10.88.1.5").build())).get().satisfies(p -> {
      assertThat(p.address()).isEqualTo(Ipv4.parse("10.88.1.5"));
      assertThat(p.node()).isEqualTo("node-1");
      assertThat(p.labels()).containsEntry("app", "t");
    });
    // Pending with an address already: it may start any moment and needs its access then.
    assertThat(PolicyPods.of(running("10.88.1.5").editStatus().withPhase("Pending").endStatus().build())).isPresent();
    assertThat(PolicyPods.of(running(null).editStatus().withPodIPs().endStatus().build())).as("no address").isEmpty();
    assertThat(PolicyPods.of(running("fd00::5").build())).as("IPv6 only").isEmpty();
    assertThat(PolicyPods.of(new PodBuilder(running("10.88.1.5").build()).editStatus().withPodIPs()
        .addNewPodIP().withIp("fd00::5").endPodIP().addNewPodIP().withIp("10.88.1.5").endPodIP().endStatus().build()))
        .as("dual stack: its IPv4 address").get().extracting(p -> p.address().toString()).isEqualTo("10.88.1.5");
    assertThat(PolicyPods.of(running("10.88.1.5").editStatus().withPhase("Succeeded").endStatus().build())).isEmpty();
    assertThat(PolicyPods.of(running("10.88.1.5").editStatus().withPhase("Failed").endStatus().build())).isEmpty();
    assertThat(PolicyPods.of(running("10.88.1.5").editMetadata().withDeletionTimestamp("2026-12-01T00:00:00Z")
        .endMetadata().build())).as("terminating").isEmpty();
    assertThat(PolicyPods.of(running("192.0.2.11").editSpec().withHostNetwork(true).endSpec().build()))
        .as("hostNetwork: its node's address").isEmpty();
    assertThat(PolicyPods.of(running("10.88.1.5").editSpec().withNodeName(null).endSpec().build())).isEmpty();
  }

  @Test
  void statusChurnIsNoChangeButLabelsAndAddressesAre() {
    Pod pod = running("10.88.1.5").build();
    Pod churned = running("10.88.1.5").editStatus().withHostIP("192.0.2.11").addNewCondition().withType("Ready")
        .withStatus("True").endCondition().endStatus().build();
    assertThat(PolicyPods.changed(churned, pod)).isFalse();
    assertThat(PolicyPods.changed(running("10.88.1.6").build(), pod)).isTrue();
    assertThat(PolicyPods.changed(running("10.88.1.5").editMetadata().addToLabels("tier", "edge").endMetadata().build(),
        pod)).isTrue();
    // The cache keeps enough to answer the same.
    Pod trimmed = PolicyPods.Trimmed.trim(churned);
    assertThat(PolicyPods.of(trimmed)).isEqualTo(PolicyPods.of(churned));
    assertThat(trimmed.getStatus().getConditions()).isEmpty();
  }
}
