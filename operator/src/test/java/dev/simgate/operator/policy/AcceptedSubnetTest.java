package dev.simgate.operator.policy;

import static dev.simgate.operator.policy.PolicyFixtures.TELEMETRY;
import static dev.simgate.operator.policy.PolicyFixtures.cidrs;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.routes.ClusterRanges;
import dev.simgate.operator.routes.RangeClaims;
import dev.simgate.operator.routes.RangeLedger;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

class AcceptedSubnetTest {
  static ConfigMap ledger(String vpg, RangeClaims claims) {
    return new ConfigMapBuilder().withNewMetadata().withNamespace("simgate-system").withName("simgate-ranges-" + vpg)
        .addToAnnotations(RangeLedger.VPG_ANNOTATION, vpg).endMetadata().withData(claims.toData()).build();
  }

  @Test
  void whatTheLedgersHoldForLiveDeviceSubnetsOfVpgsThatExistWithTheCidrsTheGateNodesRoute() {
    Instant t = Instant.parse("2026-12-01T00:00:00Z");
    RangeClaims.Terms terms = new RangeClaims.Terms(TELEMETRY, List.of(new RangeClaims.Exposure("web", "80", "TCP", 80)));
    RangeClaims a = RangeClaims.empty()
        .claim("u1", "factory/sims", cidrs("10.128.0.0/16", "10.244.0.0/16"), terms, u -> true, 1024, "vpg-a", t).claims()
        .claim("u2", "billing/sims", cidrs("10.129.0.0/16"), RangeClaims.Terms.NONE, u -> true, 1024, "vpg-a", t).claims();
    RangeClaims gone = RangeClaims.empty()
        .claim("u3", "old/sims", cidrs("10.130.0.0/16"), terms, u -> true, 1024, "vpg-gone", t).claims();
    // Flannel's pod range lies inside SORACOM's device subnet: the gate nodes do not route it, the pods may not reach it.
    ClusterRanges cluster = ClusterRanges.of(cidrs("10.244.0.0/16"), Stream.empty(), Stream.empty());

    List<AcceptedSubnet> accepted = AcceptedSubnet.of(Stream.of(ledger("vpg-a", a), ledger("vpg-gone", gone)),
        Set.of("u1", "u3")::contains, Map.of("vpg-a", Cidr.parse("10.128.0.0/9"))::get, cluster);

    assertThat(accepted).singleElement().satisfies(s -> {
      assertThat(s.owner()).isEqualTo("factory/sims");
      assertThat(s.vpg()).isEqualTo("vpg-a");
      assertThat(s.cidrs()).isEqualTo(cidrs("10.128.0.0/16"));
      assertThat(s.terms()).isEqualTo(terms);
    });
  }
}
