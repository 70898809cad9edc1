package dev.simgate.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.simgate.operator.Fixtures;
import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.ReconcileMetrics;
import dev.simgate.operator.SimGateOperator;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.testkit.KubeControlPlane;
import dev.simgate.testkit.WithKubeControlPlane;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Two operator replicas on a real kube-apiserver, each with the ServiceAccount's permissions only (ClusterRole and
 * namespace Role from the chart's files): one holds the Lease and reconciles, the other stands by and reconciles
 * nothing; when the leader stops, the other takes the Lease over and reconciles what comes next.
 */
@WithKubeControlPlane
class LeaderElectionIT {
  static final String NS = "simgate-system";
  static final String SA = "simgate-operator";
  static final String LEASE = "simgate-operator";

  static KubernetesClient admin;
  static KubeControlPlane plane;
  static final Map<String, SimGateOperator> operators = new java.util.HashMap<>();
  static final Map<String, PrometheusRegistry> registries = new java.util.HashMap<>();

  @BeforeAll
  static void install(KubeControlPlane controlPlane) throws IOException {
    plane = controlPlane;
    admin = plane.client();
    Cluster.installCrds(admin);
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    String user = Cluster.installOperatorRbac(admin, NS, SA);
    for (String identity : List.of("replica-a", "replica-b")) {
      PrometheusRegistry registry = new PrometheusRegistry();
      var election = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE)
          .withLeaseNamespace(NS).withIdentity(identity)
          .withLeaseDuration(Duration.ofSeconds(3)).withRenewDeadline(Duration.ofSeconds(2))
          .withRetryPeriod(Duration.ofMillis(250))
          .withExitOnStopLeading(false) // in production losing the Lease ends the process; here it would end the JVM
          .build();
      registries.put(identity, registry);
      operators.put(identity, new SimGateOperator(plane.clientAs(user),
          new OperatorSettings(NS, Clock.systemUTC()), new ReconcileMetrics(registry), election).start());
    }
  }

  @AfterAll
  static void stop() {
    operators.values().forEach(SimGateOperator::close);
  }

  @Test
  void oneReplicaReconcilesAndTheOtherTakesOverWhenItStops() {
    admin.resource(Fixtures.vpg("vpg-1")).create();
    Cluster.await().untilAsserted(() -> assertThat(reconciled("vpg-1")).isTrue());
    String leader = holder();
    assertThat(leader).as("Lease holder").isIn("replica-a", "replica-b");
    String standby = leader.equals("replica-a") ? "replica-b" : "replica-a";
    assertThat(reconciliations(leader)).isPositive();
    assertThat(reconciliations(standby)).as("the standby reconciles nothing").isZero();
    // What /readyz reports (Main): a standby is ready too, or a rolling update of two replicas would never finish.
    var standbyInfo = operators.get(standby).runtimeInfo();
    assertThat(standbyInfo.isStarted() && standbyInfo.allEventSourcesAreHealthy()).as("standby ready").isTrue();

    operators.remove(leader).close();
    Cluster.await().untilAsserted(() -> assertThat(holder()).isEqualTo(standby));
    admin.resource(Fixtures.vpg("vpg-2")).create();
    Cluster.await().untilAsserted(() -> assertThat(reconciled("vpg-2")).isTrue());
    assertThat(reconciliations(standby)).as("the new leader reconciles").isPositive();
  }

  private static String holder() {
    Lease lease = admin.leases().inNamespace(NS).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** Whether an operator wrote the VPG's status for its current generation (with no gate nodes it is not Ready). */
  private static boolean reconciled(String vpg) {
    var resource = admin.resources(VirtualPrivateGateway.class).withName(vpg).get();
    return resource != null && resource.getStatus() != null
        && java.util.Objects.equals(resource.getStatus().observedGeneration, resource.getMetadata().getGeneration());
  }

  private static double reconciliations(String identity) {
    return registries.get(identity).scrape().stream()
        .filter(m -> m.getMetadata().getName().equals("simgate_operator_reconciliations"))
        .flatMap(m -> m.getDataPoints().stream())
        .mapToDouble(p -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) p).getValue())
        .sum();
  }
}
