package dev.simgate.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.simgate.operator.Fixtures;
import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.ReconcileMetrics;
import dev.simgate.operator.SimGateOperator;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.NodeStatus;
import dev.simgate.operator.api.v1alpha1.RoutedCidrs;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.render.AgentResourcesTest;
import dev.simgate.operator.status.Conditions;
import dev.simgate.testkit.KubeControlPlane;
import dev.simgate.testkit.WithKubeControlPlane;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * One scenario on a real control plane (kube-apiserver, garbage collector, DaemonSet controller, scheduler, kwok nodes
 * that run pods and report them Ready). The operator runs in this JVM with a client that impersonates its
 * ServiceAccount, bound only to the chart's rules (the ClusterRole of charts/simgate/files/operator-rules.yaml and the
 * Role of operator-namespace-rules.yaml in its namespace): every step succeeding
 * (and no failed reconciliation) is the proof that those rules suffice.
 */
@WithKubeControlPlane(controllers = {"garbage-collector-controller", "daemonset-controller"}, scheduler = true, kwok = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorScenarioIT {
  static final String NS = "simgate-system";
  static final String POOL = "10.255.255.0/30"; // two usable addresses: .1 and .2
  static final String AGENT = "simgate-gp1";

  static KubernetesClient admin;
  static KubernetesClient operatorClient;
  static SimGateOperator operator;
  static PrometheusRegistry registry;
  /** Reconcile errors of operators already stopped; the last one's are read at the end. */
  static double earlierErrors;

  @BeforeAll
  static void install(KubeControlPlane plane) throws IOException {
    admin = plane.client();
    Cluster.installCrds(admin);
    for (String ns : List.of(NS, "factory", "other")) {
      var namespace = new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build();
      if (ns.equals("factory")) {
        namespace.getMetadata().setLabels(Map.of(Fixtures.IOT_LABEL, "true"));
      }
      admin.resource(namespace).create();
    }
    operatorClient = plane.clientAs(Cluster.installOperatorRbac(admin, NS, "simgate-operator"));
    startOperator();
  }

  static void startOperator() {
    registry = new PrometheusRegistry();
    operator = new SimGateOperator(operatorClient, new OperatorSettings(NS, Clock.systemUTC()), new ReconcileMetrics(registry))
        .start();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  /** Nodes are created with their status (as kubelet registers them); kwok then keeps them Ready. */
  static void createNode(String name, String ip, boolean gate) {
    var created = admin.resource(Fixtures.node(name, ip, gate)).create();
    assertThat(created.getStatus().getAddresses()).anySatisfy(a -> assertThat(a.getAddress()).isEqualTo(ip));
  }

  static GatePeer gatePeer(String name) {
    return admin.resources(GatePeer.class).withName(name).get();
  }

  static Condition ready(List<Condition> conditions) {
    return Conditions.find(conditions, Conditions.READY);
  }

  static Map<String, String> innerAddresses(GatePeer peer) {
    return peer.getStatus().nodes.stream().filter(n -> n.innerAddress() != null)
        .collect(Collectors.toMap(NodeStatus::name, NodeStatus::innerAddress));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> agentConfig() throws IOException {
    ConfigMap cm = admin.configMaps().inNamespace(NS).withName(AGENT).get();
    return new YAMLMapper().readValue(cm.getData().get("agent.yaml"), Map.class);
  }

  static <T extends HasMetadata> String version(Class<T> type, String namespace, String name) {
    return admin.resources(type).inNamespace(namespace).withName(name).get().getMetadata().getResourceVersion();
  }

  static void assertReady(List<Condition> conditions, long generation, Long observedGeneration) {
    assertThat(ready(conditions)).isNotNull();
    assertThat(ready(conditions).getStatus()).as("Ready: %s", ready(conditions)).isEqualTo("True");
    assertThat(observedGeneration).isEqualTo(generation);
  }

  @Test
  @Order(1)
  void validResourcesBecomeAgentsServicesAndReadyStatus() throws IOException {
    createNode("node-1", "192.0.2.11", true);
    createNode("node-2", "192.0.2.12", true);
    createNode("node-3", "192.0.2.13", false);
    admin.resource(Fixtures.vpg("vpg")).create();
    admin.resource(Fixtures.gatePeer("gp1", "vpg", POOL)).create();
    admin.resource(Fixtures.deviceSubnet("factory", "sims", "vpg")).create();

    Cluster.await().untilAsserted(() -> {
      GatePeer peer = gatePeer("gp1");
      assertReady(peer.getStatus().conditions, peer.getMetadata().getGeneration(), peer.getStatus().observedGeneration);
      assertThat(peer.getStatus().readyNodes).isEqualTo(2);
      assertThat(peer.getStatus().nodes).extracting(NodeStatus::name).containsExactly("node-1", "node-2");
      assertThat(agentConfig().get("routes")).isEqualTo(List.of("10.128.0.0/16"));
    });
    GatePeer peer = gatePeer("gp1");
    Map<String, String> inner = innerAddresses(peer);
    assertThat(inner.values()).containsExactlyInAnyOrder("10.255.255.1", "10.255.255.2");
    assertThat(peer.getStatus().nodes).extracting(NodeStatus::outerAddress).containsExactly("192.0.2.11", "192.0.2.12");

    Map<String, Object> config = agentConfig();
    assertThat(config).containsEntry("vni", 10).containsEntry("port", 4789)
        .containsEntry("peers", List.of("100.64.152.4", "100.64.152.132"))
        .containsEntry("admin", Map.of("listen", "0.0.0.0:9464"));
    assertThat(config.get("nodes")).isEqualTo(Map.of(
        "node-1", Map.of("localAddress", "192.0.2.11", "address", inner.get("node-1") + "/9"),
        "node-2", Map.of("localAddress", "192.0.2.12", "address", inner.get("node-2") + "/9")));

    DaemonSet ds = admin.apps().daemonSets().inNamespace(NS).withName(AGENT).get();
    AgentResourcesTest.assertAgentDaemonSet(ds, "gp1", NS);
    assertThat(ds.getStatus().getDesiredNumberScheduled()).isEqualTo(2);
    for (HasMetadata owned : List.of(ds, admin.configMaps().inNamespace(NS).withName(AGENT).get(),
        admin.resources(ServiceAccount.class).inNamespace(NS).withName(AGENT).get())) {
      assertThat(owned.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo(peer.getMetadata().getUid()));
    }

    Cluster.await().untilAsserted(() -> {
      DeviceSubnet subnet = admin.resources(DeviceSubnet.class).inNamespace("factory").withName("sims").get();
      assertReady(subnet.getStatus().conditions, subnet.getMetadata().getGeneration(), subnet.getStatus().observedGeneration);
      assertThat(subnet.getStatus().devices).isEqualTo(2);
    });
    Service pump = admin.services().inNamespace("factory").withName("pump-1").get();
    assertThat(pump.getSpec().getSelector()).isNullOrEmpty();
    assertThat(pump.getSpec().getClusterIP()).isEqualTo("None");
    EndpointSlice slice = admin.discovery().v1().endpointSlices().inNamespace("factory").withName("pump-1").get();
    assertThat(slice.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "pump-1");
    assertThat(slice.getAddressType()).isEqualTo("IPv4");
    assertThat(slice.getEndpoints()).singleElement()
        .satisfies(e -> assertThat(e.getAddresses()).containsExactly("10.128.3.17"));
    assertThat(admin.discovery().v1().endpointSlices().inNamespace("factory").withName("meter-7").get()
        .getEndpoints().getFirst().getAddresses()).containsExactly("10.128.9.201");

    Cluster.await().untilAsserted(() -> {
      VirtualPrivateGateway vpg = admin.resources(VirtualPrivateGateway.class).withName("vpg").get();
      assertReady(vpg.getStatus().conditions, vpg.getMetadata().getGeneration(), vpg.getStatus().observedGeneration);
      assertThat(vpg.getStatus().gatePeers).isEqualTo(1);
      assertThat(vpg.getStatus().readyNodes).isEqualTo(2);
      assertThat(vpg.getStatus().deviceSubnets).isEqualTo(1);
      assertThat(vpg.getStatus().devices).isEqualTo(2);
    });
  }

  @Test
  @Order(2)
  void agentServiceAccountMayReadNothing(KubeControlPlane plane) {
    // The agent reads its config from the mounted file and never calls the API: its identity is granted nothing.
    KubernetesClient agent = plane.clientAs("system:serviceaccount:" + NS + ":" + AGENT);
    assertThatThrownBy(() -> agent.configMaps().inNamespace(NS).withName(AGENT).get())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
  }

  @Test
  @Order(3)
  void nothingIsRewrittenWhenNothingChanged() {
    String version = gatePeer("gp1").getMetadata().getResourceVersion();
    String cm = version(ConfigMap.class, NS, AGENT);
    long ds = dsGeneration();
    String svc = version(Service.class, "factory", "pump-1");
    double reconciled = reconciliations("gatepeer", "success");
    // An annotation on the VPG reaches the GatePeer controller through its VPG watch without changing any outcome.
    admin.resources(VirtualPrivateGateway.class).withName("vpg").edit(v -> {
      v.getMetadata().setAnnotations(Map.of("example.com/touched", "yes"));
      return v;
    });
    Cluster.await().untilAsserted(() -> assertThat(reconciliations("gatepeer", "success")).isGreaterThan(reconciled));
    assertThat(gatePeer("gp1").getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(version(ConfigMap.class, NS, AGENT)).isEqualTo(cm);
    assertThat(dsGeneration()).isEqualTo(ds);
    assertThat(version(Service.class, "factory", "pump-1")).isEqualTo(svc);
  }

  /** The DaemonSet controller keeps updating status; the spec (generation) is what the operator writes. */
  static long dsGeneration() {
    return admin.apps().daemonSets().inNamespace(NS).withName(AGENT).get().getMetadata().getGeneration();
  }

  @Test
  @Order(4)
  void exhaustedPoolIsReportedAndAllocatedNodesKeepTheirAddresses() {
    Map<String, String> before = innerAddresses(gatePeer("gp1"));
    admin.nodes().withName("node-3").edit(n -> {
      n.getMetadata().getLabels().put(Fixtures.GATE_LABEL, "true");
      return n;
    });
    Cluster.await().untilAsserted(() -> {
      GatePeer peer = gatePeer("gp1");
      assertThat(ready(peer.getStatus().conditions).getStatus()).isEqualTo("False");
      assertThat(ready(peer.getStatus().conditions).getReason()).isEqualTo("PoolExhausted");
      assertThat(Conditions.isTrue(peer.getStatus().conditions, Conditions.STALLED)).isTrue();
      assertThat(peer.getStatus().nodes).extracting(NodeStatus::name).containsExactly("node-1", "node-2", "node-3");
    });
    GatePeer peer = gatePeer("gp1");
    assertThat(innerAddresses(peer)).isEqualTo(before);
    assertThat(peer.getStatus().nodes.get(2).message()).contains("exhausted");
    assertThat(peer.getStatus().allocatedNodes).isEqualTo(2);
  }

  @Test
  @Order(5)
  @SuppressWarnings("unchecked")
  void removingANodeLabelFreesItsAddress() {
    Map<String, String> before = innerAddresses(gatePeer("gp1"));
    admin.nodes().withName("node-1").edit(n -> {
      n.getMetadata().getLabels().remove(Fixtures.GATE_LABEL);
      return n;
    });
    Cluster.await().untilAsserted(() -> {
      GatePeer peer = gatePeer("gp1");
      assertThat(peer.getStatus().nodes).extracting(NodeStatus::name).containsExactly("node-2", "node-3");
      assertThat(innerAddresses(peer)).containsEntry("node-2", before.get("node-2"))
          .containsEntry("node-3", before.get("node-1"));
      assertThat(ready(peer.getStatus().conditions).getReason()).isNotEqualTo("PoolExhausted");
      assertThat(((Map<String, ?>) agentConfig().get("nodes")).keySet()).containsExactlyInAnyOrder("node-2", "node-3");
    });
  }

  @Test
  @Order(6)
  void addressesSurviveAnOperatorRestart() {
    Cluster.await().untilAsserted(() -> assertThat(ready(gatePeer("gp1").getStatus().conditions).getStatus()).isEqualTo("True"));
    Map<String, String> before = innerAddresses(gatePeer("gp1"));
    earlierErrors += reconcileErrors();
    operator.close();
    // While the operator is down a node joins whose name sorts first: an allocator that re-derived addresses from
    // scratch would hand it 10.255.255.1 and shift the others.
    admin.nodes().withName("node-1").edit(n -> {
      n.getMetadata().getLabels().put(Fixtures.GATE_LABEL, "true");
      return n;
    });
    admin.nodes().withName("node-3").edit(n -> {
      n.getMetadata().getLabels().remove(Fixtures.GATE_LABEL);
      return n;
    });
    startOperator();
    Cluster.await().untilAsserted(() -> {
      GatePeer peer = gatePeer("gp1");
      assertThat(peer.getStatus().nodes).extracting(NodeStatus::name).containsExactly("node-1", "node-2");
      assertThat(innerAddresses(peer)).containsEntry("node-2", before.get("node-2"))
          .containsEntry("node-1", before.get("node-3"));
    });
  }

  @Test
  @Order(7)
  void crossObjectErrorsSetReasonRecordAnEventAndLeaveRunningObjectsAlone() throws IOException {
    Cluster.await().untilAsserted(() -> assertThat(ready(gatePeer("gp1").getStatus().conditions).getStatus()).isEqualTo("True"));
    String cm = version(ConfigMap.class, NS, AGENT);
    long ds = dsGeneration();
    String svc = version(Service.class, "factory", "pump-1");
    String slice = version(EndpointSlice.class, "factory", "pump-1");

    admin.resources(GatePeer.class).withName("gp1").edit(gp -> {
      gp.getSpec().vpgRef = "missing";
      return gp;
    });
    admin.resources(DeviceSubnet.class).inNamespace("factory").withName("sims").edit(s -> {
      s.getSpec().vpgRef = "missing";
      s.getSpec().devices.getFirst().address = "10.128.3.99";
      return s;
    });
    admin.resource(Fixtures.deviceSubnet("other", "sims", "vpg")).create();

    assertStalled(GatePeer.class, null, "gp1", "VPGNotFound");
    assertStalled(DeviceSubnet.class, "factory", "sims", "VPGNotFound");
    assertStalled(DeviceSubnet.class, "other", "sims", "NamespaceNotAllowed");
    assertThat(version(ConfigMap.class, NS, AGENT)).isEqualTo(cm);
    assertThat(dsGeneration()).isEqualTo(ds);
    assertThat(version(Service.class, "factory", "pump-1")).isEqualTo(svc);
    assertThat(version(EndpointSlice.class, "factory", "pump-1")).isEqualTo(slice);
    assertThat(admin.services().inNamespace("other").list().getItems()).isEmpty();

    // Fixing the reference converges again, and the edit made meanwhile is applied.
    admin.resources(GatePeer.class).withName("gp1").edit(gp -> {
      gp.getSpec().vpgRef = "vpg";
      return gp;
    });
    admin.resources(DeviceSubnet.class).inNamespace("factory").withName("sims").edit(s -> {
      s.getSpec().vpgRef = "vpg";
      return s;
    });
    Cluster.await().untilAsserted(() -> {
      assertThat(ready(gatePeer("gp1").getStatus().conditions).getStatus()).isEqualTo("True");
      assertThat(admin.discovery().v1().endpointSlices().inNamespace("factory").withName("pump-1").get()
          .getEndpoints().getFirst().getAddresses()).containsExactly("10.128.3.99");
    });
    admin.resources(DeviceSubnet.class).inNamespace("other").withName("sims").delete();

    // A DeviceSubnet edited into an invalid state changes nothing on the nodes: the healthy gp1 keeps routing what the
    // DeviceSubnet last had accepted (its status.routed), not its new spec.
    String configBefore = version(ConfigMap.class, NS, AGENT);
    double gatePeerRuns = reconciliations("gatepeer", "success");
    admin.resources(DeviceSubnet.class).inNamespace("factory").withName("sims").edit(s -> {
      s.getSpec().vpgRef = "missing";
      return s;
    });
    assertStalled(DeviceSubnet.class, "factory", "sims", "VPGNotFound");
    Cluster.await().untilAsserted(() -> assertThat(reconciliations("gatepeer", "success")).isGreaterThan(gatePeerRuns));
    assertThat(admin.resources(DeviceSubnet.class).inNamespace("factory").withName("sims").get().getStatus().routed)
        .isEqualTo(new RoutedCidrs("vpg", List.of("10.128.0.0/16")));
    assertThat(version(ConfigMap.class, NS, AGENT)).isEqualTo(configBefore);
    assertThat(agentConfig().get("routes")).isEqualTo(List.of("10.128.0.0/16"));
    admin.resources(DeviceSubnet.class).inNamespace("factory").withName("sims").edit(s -> {
      s.getSpec().vpgRef = "vpg";
      return s;
    });
    Cluster.await().untilAsserted(() -> assertThat(ready(admin.resources(DeviceSubnet.class).inNamespace("factory")
        .withName("sims").get().getStatus().conditions).getStatus()).isEqualTo("True"));

    // A younger GatePeer whose pool overlaps gp1's is refused; gp1 keeps serving.
    admin.resource(Fixtures.gatePeer("gp2", "vpg", "10.255.255.0/24")).create();
    assertStalled(GatePeer.class, null, "gp2", "PoolOverlap");
    assertThat(admin.apps().daemonSets().inNamespace(NS).withName("simgate-gp2").get()).isNull();
    assertThat(admin.configMaps().inNamespace(NS).withName("simgate-gp2").get()).isNull();
    assertThat(ready(gatePeer("gp1").getStatus().conditions).getStatus()).isEqualTo("True");
    admin.resources(GatePeer.class).withName("gp2").delete();

    // A GatePeer (even of another VPG) selecting nodes that already run gp1's agent is refused those nodes.
    admin.resource(Fixtures.vpg("vpg-b")).create();
    admin.resource(Fixtures.gatePeer("gp3", "vpg-b", "10.254.0.0/24")).create();
    assertStalled(GatePeer.class, null, "gp3", "NodeConflict");
    assertThat(gatePeer("gp3").getStatus().nodes).allSatisfy(n -> {
      assertThat(n.innerAddress()).isNull();
      assertThat(n.message()).contains("gp1");
    });
    assertThat(ready(gatePeer("gp1").getStatus().conditions).getStatus()).isEqualTo("True");
    admin.resources(GatePeer.class).withName("gp3").delete();
    admin.resources(VirtualPrivateGateway.class).withName("vpg-b").delete();
  }

  static <T extends HasMetadata> void assertStalled(Class<T> type, String namespace, String name, String reason) {
    Cluster.await().untilAsserted(() -> {
      T object = namespace == null ? admin.resources(type).withName(name).get()
          : admin.resources(type).inNamespace(namespace).withName(name).get();
      var status = (dev.simgate.operator.api.v1alpha1.StatusBase) type.getMethod("getStatus").invoke(object);
      assertThat(status).isNotNull();
      Condition ready = ready(status.conditions);
      assertThat(ready.getStatus()).isEqualTo("False");
      assertThat(ready.getReason()).isEqualTo(reason);
      assertThat(status.observedGeneration).isEqualTo(object.getMetadata().getGeneration());
      String eventNamespace = namespace == null ? "default" : namespace;
      assertThat(admin.v1().events().inNamespace(eventNamespace).list().getItems())
          .anySatisfy(e -> {
            assertThat(e.getInvolvedObject().getUid()).isEqualTo(object.getMetadata().getUid());
            assertThat(e.getReason()).isEqualTo(reason);
            assertThat(e.getType()).isEqualTo("Warning");
          });
    });
  }

  @Test
  @Order(8)
  void deletingTheResourcesRemovesWhatTheyOwned() {
    // A device that leaves the list loses its Service and EndpointSlice; the others stay.
    admin.resources(DeviceSubnet.class).inNamespace("factory").withName("sims").edit(s -> {
      s.getSpec().devices.removeIf(d -> d.name.equals("meter-7"));
      return s;
    });
    Cluster.await().untilAsserted(() -> {
      assertThat(admin.services().inNamespace("factory").list().getItems())
          .extracting(svc -> svc.getMetadata().getName()).containsExactly("pump-1");
      assertThat(admin.discovery().v1().endpointSlices().inNamespace("factory").list().getItems())
          .extracting(slice -> slice.getMetadata().getName()).containsExactly("pump-1");
    });
    admin.resources(DeviceSubnet.class).inNamespace("factory").withName("sims").delete();
    admin.resources(GatePeer.class).withName("gp1").delete();
    Cluster.await().untilAsserted(() -> {
      assertThat(admin.services().inNamespace("factory").list().getItems()).isEmpty();
      assertThat(admin.discovery().v1().endpointSlices().inNamespace("factory").list().getItems()).isEmpty();
      assertThat(admin.configMaps().inNamespace(NS).withName(AGENT).get()).isNull();
      assertThat(admin.apps().daemonSets().inNamespace(NS).withName(AGENT).get()).isNull();
      assertThat(admin.resources(ServiceAccount.class).inNamespace(NS).withName(AGENT).get()).isNull();
    });
    Cluster.await().untilAsserted(() ->
        assertThat(admin.resources(VirtualPrivateGateway.class).withName("vpg").get().getStatus().gatePeers).isZero());
  }

  @Test
  @Order(9)
  void theOperatorRanUnderItsRulesWithoutAFailedReconciliation() {
    assertThat(earlierErrors + reconcileErrors()).isZero();
    assertThat(reconciliations("success")).isPositive();
    // ...and those rules let it write agents' objects in its own namespace only.
    var elsewhere = new ConfigMapBuilder().withNewMetadata().withName("probe").withNamespace("other").endMetadata().build();
    assertThatThrownBy(() -> operatorClient.resource(elsewhere).create())
        .isInstanceOf(KubernetesClientException.class).satisfies(e -> assertThat(((KubernetesClientException) e).getCode())
            .as("HTTP status").isEqualTo(403));
  }

  static double reconcileErrors() {
    return reconciliations("[a-z]+", "error");
  }

  static double reconciliations(String result) {
    return reconciliations("[a-z]+", result);
  }

  /** Sum of simgate_operator_reconciliations_total over the controllers matching the regex, for one result. */
  static double reconciliations(String controller, String result) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Matcher m = Pattern.compile("^simgate_operator_reconciliations_total\\{controller=\"" + controller + "\",result=\"" + result + "\"} (\\S+)$",
        Pattern.MULTILINE).matcher(out.toString());
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }
}
