package dev.simgate.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicyCodec;
import dev.simgate.operator.Fixtures;
import dev.simgate.operator.Limits;
import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.ReconcileMetrics;
import dev.simgate.operator.SimGateOperator;
import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.policy.SteeringLedger;
import dev.simgate.operator.policy.ViewCache;
import dev.simgate.testkit.KubeControlPlane;
import dev.simgate.testkit.WithKubeControlPlane;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A single change writes only the objects that depend on it, counted by the API server itself ({@link ApiWrites}):
 * a fleet of three gate nodes and 1,350 devices in three DeviceSubnets of five EndpointSlices each, then one device
 * added, one removed, one gate node removed (and, by name, which ConfigMaps it changed). The steps build on each other; each counts its own writes.
 */
@WithKubeControlPlane(controllers = {"garbage-collector-controller", "daemonset-controller"}, scheduler = true, kwok = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProportionalWritesIT {
  static final String NS = OperatorScenarioIT.NS;
  static final String FLEET = "fleet";
  static final String VPG = "vpg-fleet";

  static KubernetesClient admin;
  static SimGateOperator operator;
  static final List<List<Device>> lines = new ArrayList<>();
  /** Pod watches of the control plane's own components (the controllers, the scheduler, kwok). */
  static long componentPodWatches;
  static KubernetesClient operatorClient;

  @BeforeAll
  static void fleet(KubeControlPlane plane) throws IOException {
    admin = plane.client();
    Cluster.installCrds(admin);
    for (String ns : List.of(NS, FLEET)) {
      admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns).addToLabels(Fixtures.IOT_LABEL, "true")
          .endMetadata().build()).create();
    }
    String user = Cluster.installOperatorRbac(admin, NS, "simgate-operator");
    Cluster.await().untilAsserted(() -> admin.resources(DeviceSubnet.class).inAnyNamespace().list());
    componentPodWatches = watches("pods");
    operatorClient = plane.clientAs(user);
    operator = new SimGateOperator(operatorClient,
        new OperatorSettings(NS, Clock.systemUTC()).withLimits(Limits.DEFAULT.withEndpointsPerSlice(100)),
        new ReconcileMetrics(new PrometheusRegistry())).start();
    for (int n = 1; n <= 3; n++) {
      admin.resource(Fixtures.node("gate-" + n, "192.0.2." + n, true)).create();
    }
    admin.resource(Fixtures.vpg(VPG)).create();
    admin.resource(Fixtures.gatePeer("gp", VPG, "10.255.0.0/24")).create();
    for (int s = 0; s < 3; s++) {
      lines.add(new ArrayList<>(DeviceNamesIT.devices("pump" + s, s, 450)));
      DeviceSubnet subnet = DeviceNamesIT.subnet(FLEET, "line-" + s, s, lines.get(s));
      subnet.getSpec().vpgRef = VPG;
      admin.resource(subnet).create();
    }
    Cluster.await().untilAsserted(() -> {
      for (int s = 0; s < 3; s++) {
        Statuses.assertReady(admin, DeviceSubnet.class, FLEET, "line-" + s);
      }
      Statuses.assertReady(admin, GatePeer.class, null, "gp");
      assertThat(admin.resources(VirtualPrivateGateway.class).withName(VPG).get().getStatus().devices).isEqualTo(1350);
    });
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  static Map<String, Long> operatorWrites(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = ApiWrites.between(before, after);
    delta.keySet().retainAll(ApiWrites.OPERATOR_KINDS);
    return delta;
  }

  /** Watches of {@code resource} open now, counted by the API server. */
  static long watches(String resource) {
    return ApiServerLoad.read(admin).watches().getOrDefault(resource, 0L);
  }

  /**
   * Each DeviceSubnet event (hundreds of devices) reaches the operator three times: the two controllers whose primary
   * it is, and the one watch every other controller shares ({@code DeviceSubnetWatch}), counted by the API server.
   */
  @Test
  @Order(0)
  void deviceSubnetsAreWatchedThreeTimesNotOncePerController() {
    assertThat(watches("devicesubnets")).isEqualTo(3);
  }

  /** ... and each is read once, as a DeviceSubnet: not as a generic resource converted again ({@code Kinds}). */
  @Test
  @Order(0)
  void theOperatorsClientReadsDeviceSubnetsAsThemselves() {
    assertThat(operatorClient.getKubernetesSerialization().getRegisteredKubernetesResource(
        HasMetadata.getApiVersion(DeviceSubnet.class), HasMetadata.getKind(DeviceSubnet.class)))
        .isEqualTo(DeviceSubnet.class);
  }

  /**
   * Every pod that may be let in reaches the operator once (the watch the node policies and the access reports share,
   * which leaves out hostNetwork and finished pods) and the gate agents' pods once (the GatePeers' own watch, of the
   * operator's namespace).
   */
  @Test
  @Order(0)
  void podsAreWatchedOnceAndTheGateAgentsOnceMore() {
    assertThat(watches("pods") - componentPodWatches).isEqualTo(2);
  }

  @Test
  @Order(1)
  void oneDeviceAddedWritesOneSliceAndTheStatusesThatCountDevices() throws InterruptedException {
    Map<String, Long> before = ApiWrites.settled(admin);
    Device added = new Device("pump1-new", "10.129.9.9");
    admin.resources(DeviceSubnet.class).inNamespace(FLEET).withName("line-1").edit(d -> {
      d.getSpec().devices.add(added);
      return d;
    });
    Cluster.await().untilAsserted(() -> {
      assertThat(DeviceNames.resolvable(admin, FLEET, "line-1")).containsEntry("pump1-new", "10.129.9.9");
      assertThat(admin.resources(VirtualPrivateGateway.class).withName(VPG).get().getStatus().devices).isEqualTo(1351);
    });
    Map<String, Long> after = ApiWrites.settled(admin);

    assertThat(ApiWrites.between(before, after)).containsEntry("devicesubnets", 1L); // the edit itself
    assertThat(operatorWrites(before, after)).isEqualTo(Map.of(
        "endpointslices", 1L, // the one slice with room, not its four siblings nor the other DeviceSubnets' ten
        "devicesubnets/status", 1L, // its device count
        "virtualprivategateways/status", 1L)); // the VPG's device count
  }

  @Test
  @Order(2)
  void oneDeviceRemovedWritesOnlyItsSlice() throws InterruptedException {
    Map<String, Long> before = ApiWrites.settled(admin);
    admin.resources(DeviceSubnet.class).inNamespace(FLEET).withName("line-2").edit(d -> {
      d.getSpec().devices.removeIf(device -> device.name.equals("pump2-250"));
      return d;
    });
    Cluster.await().untilAsserted(() -> {
      assertThat(DeviceNames.resolvable(admin, FLEET, "line-2")).hasSize(449).doesNotContainKey("pump2-250");
      assertThat(admin.resources(VirtualPrivateGateway.class).withName(VPG).get().getStatus().devices).isEqualTo(1350);
    });
    Map<String, Long> after = ApiWrites.settled(admin);
    assertThat(operatorWrites(before, after)).isEqualTo(Map.of(
        "endpointslices", 1L, "devicesubnets/status", 1L, "virtualprivategateways/status", 1L));
  }

  @Test
  @Order(3)
  void oneGateNodeRemovedWritesTheAgentConfigAndTheSteeringTableAndNothingOfTheDevices() throws InterruptedException {
    Map<String, Long> before = ApiWrites.settled(admin);
    Map<String, Integer> configMapChanges = new ConcurrentHashMap<>();
    try (Watch watch = admin.configMaps().inNamespace(NS).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap map) {
        if (action != Action.ADDED) { // a watch begins with every existing object as ADDED
          configMapChanges.merge(action + " " + map.getMetadata().getName(), 1, Integer::sum);
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    })) {
      admin.nodes().withName("gate-3").delete();
      Cluster.await().untilAsserted(() -> {
        GatePeer gp = admin.resources(GatePeer.class).withName("gp").get();
        assertThat(gp.getStatus().nodes).extracting(n -> n.name()).containsExactly("gate-1", "gate-2");
        assertThat(gp.getStatus().readyNodes).isEqualTo(2);
      });
      Map<String, Long> writes = operatorWrites(before, ApiWrites.settled(admin));

      assertThat(writes.keySet()).as("nothing of the DeviceSubnets, nor the DaemonSets")
          .doesNotContain("endpointslices", "services", "devicesubnets/status", "daemonsets");
      // The node leaving and its agent pod going may reach the GatePeer as one change or as two.
      assertThat(writes.get("gatepeers/status")).isBetween(1L, 2L);
    }
    // By name: the agent config once; the steering table all nodes share (the nodes, the ways to the gate nodes), as
    // the GatePeer, once or twice, and no remaining node's own document; the gone node's document deleted (by the
    // garbage collector) and its steering address released; the range ledger not at all.
    assertThat(configMapChanges).containsEntry("MODIFIED simgate-gp", 1)
        .containsEntry("DELETED " + NodePolicy.configMapName("gate-3"), 1)
        .containsEntry("MODIFIED " + SteeringLedger.NAME, 1);
    assertThat(configMapChanges.get("MODIFIED " + NodePolicy.TABLE_CONFIG_MAP)).isBetween(1, 2);
    assertThat(configMapChanges).hasSize(4);
  }

  /**
   * A node joining has its document written once, with its steering address: not first from a view made before it came
   * (without one), then again.
   */
  @Test
  @Order(5)
  void aNodeJoiningHasItsDocumentWrittenOnce() throws Exception {
    String document = NodePolicy.configMapName("plain-1");
    List<String> writes = new CopyOnWriteArrayList<>();
    try (Watch watch = admin.configMaps().inNamespace(NS).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap map) {
        if (map.getMetadata().getName().equals(document)) {
          writes.add(action + " " + map.getData().get(NodePolicy.KEY));
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    })) {
      admin.resource(Fixtures.node("plain-1", "192.0.2.50", false)).create();
      Cluster.await().untilAsserted(() -> {
        assertThat(writes).isNotEmpty();
        String last = writes.getLast();
        assertThat(NodePolicyCodec.parse(last.substring(last.indexOf(' ') + 1)).steering()).isNotNull();
      });
      Thread.sleep(2 * ViewCache.INTERVAL.toMillis() + 500); // a second write would come within the next views
    }
    assertThat(writes).as("the document's writes").hasSize(1).allMatch(w -> w.startsWith("ADDED "));
  }

  /**
   * A DeviceSubnet created has its status written twice, once by each controller that writes it: its Ready condition,
   * then its access report once that decision is made (no "nothing accepted yet" before it).
   */
  @Test
  @Order(4)
  void aDeviceSubnetCreatedHasItsStatusWrittenOncePerController() throws InterruptedException {
    Map<String, Long> before = ApiWrites.settled(admin);
    DeviceSubnet subnet = DeviceNamesIT.subnet(FLEET, "line-3", 3, DeviceNamesIT.devices("pump3", 3, 10));
    subnet.getSpec().vpgRef = VPG;
    admin.resource(subnet).create();
    Cluster.await().untilAsserted(() -> {
      Statuses.assertReady(admin, DeviceSubnet.class, FLEET, "line-3");
      assertThat(admin.resources(DeviceSubnet.class).inNamespace(FLEET).withName("line-3").get().getStatus().access)
          .isNotNull();
    });
    Map<String, Long> after = ApiWrites.settled(admin);

    assertThat(operatorWrites(before, after)).containsEntry("devicesubnets/status", 2L);
  }
}
