package dev.simgate.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.simgate.operator.Fixtures;
import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.ReconcileMetrics;
import dev.simgate.operator.SimGateOperator;
import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetSpec;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.status.Conditions;
import dev.simgate.testkit.WithKubeControlPlane;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A measurement, not part of the default run (surefire runs only *Test classes): {@code mvn -pl operator verify
 * -Dtest=ScaleBenchmark [-Dsimgate.bench.nodes=200 -Dsimgate.bench.subnets=10]}. Creates N kwok gate nodes and D
 * DeviceSubnets of 500 devices each, and prints how long until every GatePeer agent and every DeviceSubnet is Ready,
 * and the test JVM's heap after GC (operator plus test client).
 */
@WithKubeControlPlane(controllers = {"daemonset-controller"}, scheduler = true, kwok = true)
class ScaleBenchmark {
  @Test
  void manyNodesAndDevicesBecomeReady(KubernetesClient admin) throws Exception {
    int nodes = Integer.getInteger("simgate.bench.nodes", 200);
    int subnets = Integer.getInteger("simgate.bench.subnets", 10);
    Cluster.installCrds(admin);
    for (String ns : List.of("simgate-system", "factory")) {
      admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns)
          .addToLabels(Fixtures.IOT_LABEL, "true").endMetadata().build()).create();
    }
    try (SimGateOperator operator = new SimGateOperator(admin,
        new OperatorSettings("simgate-system", Clock.systemUTC()), new ReconcileMetrics(new PrometheusRegistry())).start()) {
      long start = System.nanoTime();
      for (int i = 0; i < nodes; i++) {
        admin.resource(Fixtures.node(String.format("node-%04d", i), "192.0.%d.%d".formatted(2 + i / 250, 1 + i % 250), true))
            .create();
      }
      admin.resource(Fixtures.vpg("vpg")).create();
      admin.resource(Fixtures.gatePeer("gp", "vpg", "10.255.0.0/16")).create();
      for (int s = 0; s < subnets; s++) {
        List<Device> devices = new ArrayList<>();
        for (int d = 0; d < 500; d++) {
          devices.add(new Device("dev-%d-%d".formatted(s, d), "10.128.%d.%d".formatted(2 * s + d / 250, 1 + d % 250)));
        }
        admin.resource(new DeviceSubnet("factory", "sims-" + s,
            new DeviceSubnetSpec("vpg", List.of("10.128.%d.0/23".formatted(2 * s)), devices))).create();
      }
      long created = System.nanoTime();
      Awaitility.await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
          .untilAsserted(() -> assertThat(admin.resources(DeviceSubnet.class).inNamespace("factory").list().getItems())
              .hasSize(subnets)
              .allSatisfy(ds -> assertThat(Conditions.isTrue(ds.getStatus().conditions, Conditions.READY)).isTrue()));
      long devicesReady = System.nanoTime();
      Awaitility.await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
          .untilAsserted(() -> {
            GatePeer gp = admin.resources(GatePeer.class).withName("gp").get();
            assertThat(gp.getStatus().readyNodes).isEqualTo(nodes);
            assertThat(Conditions.isTrue(gp.getStatus().conditions, Conditions.READY)).isTrue();
          });
      long allReady = System.nanoTime();
      System.gc();
      var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      System.out.printf("%nBENCH nodes=%d devices=%d create=%.1fs devicesReady=%.1fs allReady=%.1fs heapAfterGc=%dMiB%n",
          nodes, subnets * 500, (created - start) / 1e9, (devicesReady - start) / 1e9, (allReady - start) / 1e9,
          heap.getUsed() >> 20);
      Map<?, ?> config = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readValue(
          admin.configMaps().inNamespace("simgate-system").withName("simgate-gp").get().getData().get("agent.yaml"), Map.class);
      assertThat((Map<?, ?>) config.get("nodes")).hasSize(nodes);
    }
  }
}
