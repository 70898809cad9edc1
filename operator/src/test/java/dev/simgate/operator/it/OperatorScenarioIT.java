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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.simgate.operator.Fixtures;
import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.ReconcileMetrics;
import dev.simgate.operator.SimGateOperator;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetSpec;
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
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSpecBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The operator on a real control plane (kube-apiserver, garbage collector, DaemonSet controller, scheduler, kwok nodes
 * that run pods and report them Ready). The operator runs in this JVM with a client that impersonates its
 * ServiceAccount, bound only to the chart's rules (the ClusterRole of charts/simgate/files/operator-rules.yaml and the
 * Role of operator-namespace-rules.yaml in its namespace): every test succeeding, each with no failed reconciliation,
 * is the proof that those rules suffice. The tests share the control plane and the operator, nothing else: each makes
 * its own {@link World} (VPG, GatePeer, DeviceSubnet, nodes) and removes it.
 */
@WithKubeControlPlane(controllers = {"garbage-collector-controller", "daemonset-controller"}, scheduler = true, kwok = true)
class OperatorScenarioIT {
  static final String NS = "simgate-system";

  static KubernetesClient admin;
  static KubernetesClient operatorClient;
  static SimGateOperator operator;
  static PrometheusRegistry registry;
  /** Reconcile errors of operators already stopped. */
  static double earlierErrors;

  private World world;

  @BeforeAll
  static void install(KubeControlPlane plane) throws IOException {
    admin = plane.client();
    Cluster.installCrds(admin);
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
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

  @AfterEach
  void noFailedReconciliationAndNothingLeftBehind() {
    try {
      assertThat(earlierErrors + reconcileErrors()).as("failed reconciliations").isZero();
    } finally {
      if (world != null) {
        world.close();
      }
    }
  }

  /** This test's world; its GatePeers select nodes labelled with {@code gate} (null: a value of its own). */
  private World world(String gate) {
    world = World.create(admin, NS, gate);
    return world;
  }

  /** A world with gate nodes 1 and 2, node 3 not a gate node, and its resources, once its GatePeer is Ready. */
  private World readyWorld(String gate) {
    World w = world(gate);
    w.createNode(1, true);
    w.createNode(2, true);
    w.createNode(3, false);
    w.createResources();
    Cluster.await().untilAsserted(() -> assertThat(ready(w.gatePeerStatus().getStatus().conditions).getStatus())
        .isEqualTo("True"));
    return w;
  }

  static Condition ready(List<Condition> conditions) {
    return Statuses.ready(conditions);
  }

  static Map<String, String> innerAddresses(GatePeer peer) {
    return peer.getStatus().nodes.stream().filter(n -> n.innerAddress() != null)
        .collect(Collectors.toMap(NodeStatus::name, NodeStatus::innerAddress));
  }

  static <T extends HasMetadata> String version(Class<T> type, String namespace, String name) {
    return Statuses.version(admin, type, namespace, name);
  }

  static void assertReady(List<Condition> conditions, long generation, Long observedGeneration) {
    assertThat(ready(conditions)).isNotNull();
    assertThat(ready(conditions).getStatus()).as("Ready: %s", ready(conditions)).isEqualTo("True");
    assertThat(observedGeneration).isEqualTo(generation);
  }

  /** The DaemonSet controller keeps updating status; the spec (generation) is what the operator writes. */
  static long dsGeneration(World w) {
    return admin.apps().daemonSets().inNamespace(NS).withName(w.agent()).get().getMetadata().getGeneration();
  }

  @Test
  void validResourcesBecomeAgentsServicesAndReadyStatus() throws IOException {
    // The label value the DaemonSet assertions shared with AgentResourcesTest expect.
    World w = world("true");
    w.createNode(1, true);
    w.createNode(2, true);
    w.createNode(3, false);
    w.createResources();

    Cluster.await().untilAsserted(() -> {
      GatePeer peer = w.gatePeerStatus();
      assertReady(peer.getStatus().conditions, peer.getMetadata().getGeneration(), peer.getStatus().observedGeneration);
      assertThat(peer.getStatus().readyNodes).isEqualTo(2);
      assertThat(peer.getStatus().nodes).extracting(NodeStatus::name).containsExactly(w.node(1), w.node(2));
      assertThat(w.agentConfig().get("routes")).isEqualTo(List.of("10.128.0.0/16"));
    });
    GatePeer peer = w.gatePeerStatus();
    Map<String, String> inner = innerAddresses(peer);
    assertThat(inner.values()).containsExactlyInAnyOrder("10.255.255.1", "10.255.255.2");
    assertThat(peer.getStatus().nodes).extracting(NodeStatus::outerAddress)
        .containsExactly(w.outerAddress(1), w.outerAddress(2));

    Map<String, Object> config = w.agentConfig();
    assertThat(config).containsEntry("vni", 10).containsEntry("port", 4789)
        .containsEntry("peers", List.of("100.64.152.4", "100.64.152.132"))
        .containsEntry("admin", Map.of("listen", "127.0.0.1:9464", "metricsListen", "0.0.0.0:9465"));
    assertThat(config.get("nodes")).isEqualTo(Map.of(
        w.node(1), Map.of("localAddress", w.outerAddress(1), "address", inner.get(w.node(1)) + "/9"),
        w.node(2), Map.of("localAddress", w.outerAddress(2), "address", inner.get(w.node(2)) + "/9")));

    DaemonSet ds = admin.apps().daemonSets().inNamespace(NS).withName(w.agent()).get();
    AgentResourcesTest.assertAgentDaemonSet(ds, w.gatePeer(), NS);
    assertThat(ds.getStatus().getDesiredNumberScheduled()).isEqualTo(2);
    for (HasMetadata owned : List.of(ds, admin.configMaps().inNamespace(NS).withName(w.agent()).get(),
        admin.resources(ServiceAccount.class).inNamespace(NS).withName(w.agent()).get())) {
      assertThat(owned.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo(peer.getMetadata().getUid()));
    }

    Cluster.await().untilAsserted(() -> {
      DeviceSubnet subnet = admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("sims").get();
      assertReady(subnet.getStatus().conditions, subnet.getMetadata().getGeneration(), subnet.getStatus().observedGeneration);
      assertThat(subnet.getStatus().devices).isEqualTo(2);
    });
    // One headless Service named after the DeviceSubnet, its devices as hostnames in one EndpointSlice.
    assertThat(admin.services().inNamespace(w.factory()).list().getItems()).singleElement().satisfies(svc -> {
      assertThat(svc.getMetadata().getName()).isEqualTo("sims");
      assertThat(svc.getSpec().getSelector()).isNullOrEmpty();
      assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
      assertThat(svc.getSpec().getPublishNotReadyAddresses()).isTrue();
    });
    EndpointSlice slice = admin.discovery().v1().endpointSlices().inNamespace(w.factory()).withName("sims.0").get();
    assertThat(slice.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "sims")
        .containsEntry("endpointslice.kubernetes.io/managed-by", "operator.simgate.dev");
    assertThat(slice.getAddressType()).isEqualTo("IPv4");
    assertThat(DeviceNames.resolvable(admin, w.factory(), "sims"))
        .isEqualTo(Map.of("pump-1", "10.128.3.17", "meter-7", "10.128.9.201"));
    DeviceSubnet published = admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("sims").get();
    assertThat(ready(published.getStatus().conditions).getMessage())
        .isEqualTo("2 devices published as <device>.sims." + w.factory() + ".svc");
    for (HasMetadata owned : List.of(admin.services().inNamespace(w.factory()).withName("sims").get(), slice)) {
      assertThat(owned.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo(published.getMetadata().getUid()));
    }

    Cluster.await().untilAsserted(() -> {
      VirtualPrivateGateway vpg = admin.resources(VirtualPrivateGateway.class).withName(w.vpg()).get();
      assertReady(vpg.getStatus().conditions, vpg.getMetadata().getGeneration(), vpg.getStatus().observedGeneration);
      assertThat(vpg.getStatus().gatePeers).isEqualTo(1);
      assertThat(vpg.getStatus().readyNodes).isEqualTo(2);
      assertThat(vpg.getStatus().deviceSubnets).isEqualTo(1);
      assertThat(vpg.getStatus().devices).isEqualTo(2);
    });
  }

  @Test
  void agentServiceAccountMayReadNothing(KubeControlPlane plane) {
    World w = readyWorld(null);
    // The agent reads its config from the mounted file and never calls the API: its identity is granted nothing.
    KubernetesClient agent = plane.clientAs("system:serviceaccount:" + NS + ":" + w.agent());
    assertThat(admin.configMaps().inNamespace(NS).withName(w.agent()).get()).isNotNull();
    assertThatThrownBy(() -> agent.configMaps().inNamespace(NS).withName(w.agent()).get())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
  }

  @Test
  void nothingIsRewrittenWhenNothingChanged() {
    World w = readyWorld(null);
    Cluster.await().untilAsserted(() -> assertThat(admin.resources(DeviceSubnet.class).inNamespace(w.factory())
        .withName("sims").get().getStatus().devices).isEqualTo(2));
    String version = w.gatePeerStatus().getMetadata().getResourceVersion();
    String cm = version(ConfigMap.class, NS, w.agent());
    long ds = dsGeneration(w);
    String svc = version(Service.class, w.factory(), "sims");
    String slice = version(EndpointSlice.class, w.factory(), "sims.0");
    double reconciled = reconciliations("gatepeer", "success");
    // A node annotation reaches the GatePeer controller through its node watch without changing any outcome.
    admin.nodes().withName(w.node(1)).edit(n -> {
      n.getMetadata().getAnnotations().put("example.com/touched", "yes");
      return n;
    });
    Cluster.await().untilAsserted(() -> assertThat(reconciliations("gatepeer", "success")).isGreaterThan(reconciled));
    assertThat(w.gatePeerStatus().getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(version(ConfigMap.class, NS, w.agent())).isEqualTo(cm);
    assertThat(dsGeneration(w)).isEqualTo(ds);
    assertThat(version(Service.class, w.factory(), "sims")).isEqualTo(svc);
    assertThat(version(EndpointSlice.class, w.factory(), "sims.0")).isEqualTo(slice);
  }

  @Test
  void exhaustedPoolIsReportedAndAllocatedNodesKeepTheirAddresses() {
    World w = readyWorld(null);
    Map<String, String> before = innerAddresses(w.gatePeerStatus());
    w.label(3, true);
    Cluster.await().untilAsserted(() -> {
      GatePeer peer = w.gatePeerStatus();
      assertThat(ready(peer.getStatus().conditions).getStatus()).isEqualTo("False");
      assertThat(ready(peer.getStatus().conditions).getReason()).isEqualTo("PoolExhausted");
      assertThat(Conditions.isTrue(peer.getStatus().conditions, Conditions.STALLED)).isTrue();
      assertThat(peer.getStatus().nodes).extracting(NodeStatus::name).containsExactly(w.node(1), w.node(2), w.node(3));
    });
    GatePeer peer = w.gatePeerStatus();
    assertThat(innerAddresses(peer)).isEqualTo(before);
    assertThat(peer.getStatus().nodes.get(2).message()).contains("exhausted");
    assertThat(peer.getStatus().allocatedNodes).isEqualTo(2);
  }

  @Test
  @SuppressWarnings("unchecked")
  void removingANodeLabelFreesItsAddress() {
    World w = readyWorld(null);
    Map<String, String> before = innerAddresses(w.gatePeerStatus());
    w.label(3, true); // no address left for it
    Cluster.await().untilAsserted(() ->
        assertThat(ready(w.gatePeerStatus().getStatus().conditions).getReason()).isEqualTo("PoolExhausted"));
    w.label(1, false);
    Cluster.await().untilAsserted(() -> {
      GatePeer peer = w.gatePeerStatus();
      assertThat(peer.getStatus().nodes).extracting(NodeStatus::name).containsExactly(w.node(2), w.node(3));
      assertThat(innerAddresses(peer)).containsEntry(w.node(2), before.get(w.node(2)))
          .containsEntry(w.node(3), before.get(w.node(1)));
      assertThat(ready(peer.getStatus().conditions).getReason()).isNotEqualTo("PoolExhausted");
      assertThat(((Map<String, ?>) w.agentConfig().get("nodes")).keySet())
          .containsExactlyInAnyOrder(w.node(2), w.node(3));
    });
  }

  @Test
  void addressesSurviveAnOperatorRestart() {
    World w = world(null);
    w.createNode(2, true);
    w.createNode(3, true);
    w.createNode(1, false);
    w.createResources();
    Cluster.await().untilAsserted(() -> assertThat(ready(w.gatePeerStatus().getStatus().conditions).getStatus())
        .isEqualTo("True"));
    Map<String, String> before = innerAddresses(w.gatePeerStatus());
    earlierErrors += reconcileErrors();
    operator.close();
    // While the operator is down a node joins whose name sorts first: an allocator that re-derived addresses from
    // scratch would hand it 10.255.255.1 and shift the others.
    w.label(1, true);
    w.label(3, false);
    startOperator();
    Cluster.await().untilAsserted(() -> {
      GatePeer peer = w.gatePeerStatus();
      assertThat(peer.getStatus().nodes).extracting(NodeStatus::name).containsExactly(w.node(1), w.node(2));
      assertThat(innerAddresses(peer)).containsEntry(w.node(2), before.get(w.node(2)))
          .containsEntry(w.node(1), before.get(w.node(3)));
    });
  }

  @Test
  void crossObjectErrorsSetReasonRecordAnEventAndLeaveRunningObjectsAlone() throws IOException {
    World w = readyWorld(null);
    Cluster.await().untilAsserted(() -> assertThat(admin.resources(DeviceSubnet.class).inNamespace(w.factory())
        .withName("sims").get().getStatus().devices).isEqualTo(2));
    String cm = version(ConfigMap.class, NS, w.agent());
    long ds = dsGeneration(w);
    String svc = version(Service.class, w.factory(), "sims");
    String slice = version(EndpointSlice.class, w.factory(), "sims.0");

    admin.resources(GatePeer.class).withName(w.gatePeer()).edit(gp -> {
      gp.getSpec().vpgRef = "missing";
      return gp;
    });
    admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("sims").edit(s -> {
      s.getSpec().vpgRef = "missing";
      s.getSpec().devices.getFirst().address = "10.128.3.99";
      return s;
    });
    admin.resource(Fixtures.deviceSubnet(w.other(), "sims", w.vpg())).create();

    assertStalled(GatePeer.class, null, w.gatePeer(), "VPGNotFound");
    assertStalled(DeviceSubnet.class, w.factory(), "sims", "VPGNotFound");
    assertStalled(DeviceSubnet.class, w.other(), "sims", "NamespaceNotAllowed");
    assertThat(version(ConfigMap.class, NS, w.agent())).isEqualTo(cm);
    assertThat(dsGeneration(w)).isEqualTo(ds);
    assertThat(version(Service.class, w.factory(), "sims")).isEqualTo(svc);
    assertThat(version(EndpointSlice.class, w.factory(), "sims.0")).isEqualTo(slice);
    assertThat(admin.services().inNamespace(w.other()).list().getItems()).isEmpty();

    // Fixing the reference converges again, and the edit made meanwhile is applied.
    admin.resources(GatePeer.class).withName(w.gatePeer()).edit(gp -> {
      gp.getSpec().vpgRef = w.vpg();
      return gp;
    });
    admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("sims").edit(s -> {
      s.getSpec().vpgRef = w.vpg();
      return s;
    });
    Cluster.await().untilAsserted(() -> {
      assertThat(ready(w.gatePeerStatus().getStatus().conditions).getStatus()).isEqualTo("True");
      assertThat(DeviceNames.resolvable(admin, w.factory(), "sims")).containsEntry("pump-1", "10.128.3.99");
    });
    admin.resources(DeviceSubnet.class).inNamespace(w.other()).withName("sims").delete();

    // A DeviceSubnet edited into an invalid state changes nothing on the nodes: the healthy GatePeer keeps routing
    // what the DeviceSubnet last had accepted (its status.routed), not its new spec.
    String configBefore = version(ConfigMap.class, NS, w.agent());
    double gatePeerRuns = reconciliations("gatepeer", "success");
    admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("sims").edit(s -> {
      s.getSpec().vpgRef = "missing";
      return s;
    });
    assertStalled(DeviceSubnet.class, w.factory(), "sims", "VPGNotFound");
    Cluster.await().untilAsserted(() -> assertThat(reconciliations("gatepeer", "success")).isGreaterThan(gatePeerRuns));
    assertThat(admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("sims").get().getStatus().routed)
        .isEqualTo(new RoutedCidrs(w.vpg(), List.of("10.128.0.0/16")));
    assertThat(version(ConfigMap.class, NS, w.agent())).isEqualTo(configBefore);
    assertThat(w.agentConfig().get("routes")).isEqualTo(List.of("10.128.0.0/16"));
    admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("sims").edit(s -> {
      s.getSpec().vpgRef = w.vpg();
      return s;
    });
    Cluster.await().untilAsserted(() -> assertThat(ready(admin.resources(DeviceSubnet.class).inNamespace(w.factory())
        .withName("sims").get().getStatus().conditions).getStatus()).isEqualTo("True"));

    // A younger GatePeer whose pool overlaps the first's is refused; the first keeps serving.
    String overlapping = "gp2-" + w.id;
    admin.resource(w.gatePeer(overlapping, w.vpg(), "10.255.255.0/24")).create();
    assertStalled(GatePeer.class, null, overlapping, "PoolOverlap");
    assertThat(admin.apps().daemonSets().inNamespace(NS).withName("simgate-" + overlapping).get()).isNull();
    assertThat(admin.configMaps().inNamespace(NS).withName("simgate-" + overlapping).get()).isNull();
    assertThat(ready(w.gatePeerStatus().getStatus().conditions).getStatus()).isEqualTo("True");
    admin.resources(GatePeer.class).withName(overlapping).delete();

    // A GatePeer (even of another VPG) selecting nodes that already run the first's agent is refused those nodes.
    String otherVpg = "vpg-b-" + w.id;
    String conflicting = "gp3-" + w.id;
    admin.resource(Fixtures.vpg(otherVpg)).create();
    admin.resource(w.gatePeer(conflicting, otherVpg, "10.254.0.0/24")).create();
    assertStalled(GatePeer.class, null, conflicting, "NodeConflict");
    assertThat(admin.resources(GatePeer.class).withName(conflicting).get().getStatus().nodes).allSatisfy(n -> {
      assertThat(n.innerAddress()).isNull();
      assertThat(n.message()).contains(w.gatePeer());
    });
    assertThat(ready(w.gatePeerStatus().getStatus().conditions).getStatus()).isEqualTo("True");
  }

  @Test
  void gateNodesRouteWhatTheOperatorAcceptedNeverWhatAStatusSays() throws IOException {
    World w = readyWorld(null);
    Cluster.await().untilAsserted(() -> assertThat(w.agentConfig().get("routes")).isEqualTo(List.of("10.128.0.0/16")));
    String config = version(ConfigMap.class, NS, w.agent());
    // Whoever may patch devicesubnets/status can write this; a route to everything, and a value that is no CIDR at all.
    int touch = 0;
    for (List<String> forged : List.of(List.of("0.0.0.0/0"), List.of("not-a-cidr"))) {
      admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("sims").editStatus(s -> {
        s.getStatus().routed = new RoutedCidrs(w.vpg(), forged);
        return s;
      });
      double runs = reconciliations("gatepeer", "success");
      // A node annotation reaches the GatePeer (not the DeviceSubnet, which would rewrite its status).
      String value = "forged-" + touch++;
      admin.nodes().withName(w.node(1)).edit(n -> {
        n.getMetadata().getAnnotations().put("example.com/touched", value);
        return n;
      });
      Cluster.await().untilAsserted(() -> assertThat(reconciliations("gatepeer", "success")).isGreaterThan(runs));
      assertThat(w.agentConfig().get("routes")).as("routes after status.routed %s", forged)
          .isEqualTo(List.of("10.128.0.0/16"));
      assertThat(version(ConfigMap.class, NS, w.agent())).isEqualTo(config);
      assertThat(ready(w.gatePeerStatus().getStatus().conditions).getStatus()).isEqualTo("True");
    }
  }

  @Test
  void aNamespaceThatLosesItsPermissionLosesItsRoutes() {
    World w = readyWorld(null);
    Cluster.await().untilAsserted(() -> assertThat(w.agentConfig().get("routes")).isEqualTo(List.of("10.128.0.0/16")));
    admin.namespaces().withName(w.factory()).edit(ns -> {
      ns.getMetadata().getLabels().remove(Fixtures.IOT_LABEL);
      return ns;
    });
    assertStalled(DeviceSubnet.class, w.factory(), "sims", "NamespaceNotAllowed");
    Cluster.await().untilAsserted(() -> {
      assertThat(w.agentConfig().get("routes")).isEqualTo(List.of());
      assertThat(admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("sims").get().getStatus().routed)
          .isNull();
    });
  }

  @Test
  void aRangeBelongsToWhoHeldItFirstNotToTheOlderObject() {
    World w = readyWorld(null);
    // "sims" is the older object (its name sorts first, should both carry the same creation second); a younger
    // DeviceSubnet takes a range nobody holds.
    admin.resource(new DeviceSubnet(w.factory(), "young", new DeviceSubnetSpec(w.vpg(), List.of("10.129.0.0/16"),
        List.of()))).create();
    Cluster.await().untilAsserted(() -> {
      assertReady(DeviceSubnet.class, w.factory(), "young");
      assertThat(w.agentConfig().get("routes")).isEqualTo(List.of("10.128.0.0/16", "10.129.0.0/16"));
    });
    String config = version(ConfigMap.class, NS, w.agent());

    // The older one edits its spec to take part of the younger one's range: refused, whatever its age.
    admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("sims").edit(s -> {
      s.getSpec().cidrs = List.of("10.128.0.0/16", "10.129.128.0/17");
      return s;
    });
    assertStalled(DeviceSubnet.class, w.factory(), "sims", "CIDROverlap");
    DeviceSubnet sims = admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("sims").get();
    assertThat(ready(sims.getStatus().conditions).getMessage()).contains("10.129.128.0/17", w.factory() + "/young");
    assertThat(sims.getStatus().routed).isEqualTo(new RoutedCidrs(w.vpg(), List.of("10.128.0.0/16")));
    assertReady(DeviceSubnet.class, w.factory(), "young");
    assertThat(version(ConfigMap.class, NS, w.agent())).isEqualTo(config);

    // Once the holder lets go (here: is deleted), the waiting edit goes through.
    admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("young").delete();
    Cluster.await().untilAsserted(() -> {
      assertReady(DeviceSubnet.class, w.factory(), "sims");
      assertThat(w.agentConfig().get("routes")).isEqualTo(List.of("10.128.0.0/16", "10.129.128.0/17"));
    });
  }

  @Test
  void aPodRangeInsideTheDeviceSubnetIsRefusedUntilItIsGone() {
    World w = readyWorld(null);
    String cm = version(ConfigMap.class, NS, w.agent());
    long ds = dsGeneration(w);
    // As Flannel's 10.244.0.0/16 lies inside SORACOM's 10.128.0.0/9: a node whose pod range is inside the device subnet.
    Node node = Fixtures.node(w.node(9), w.outerAddress(9), false);
    node.setSpec(new NodeSpecBuilder().withPodCIDR("10.128.7.0/24").withPodCIDRs("10.128.7.0/24").build());
    admin.resource(node).create();

    assertStalled(GatePeer.class, null, w.gatePeer(), "ClusterRangeOverlap");
    assertStalled(DeviceSubnet.class, w.factory(), "sims", "ClusterRangeOverlap");
    assertThat(ready(w.gatePeerStatus().getStatus().conditions).getMessage())
        .contains("10.128.0.0/9", "pod range of Node " + w.node(9), "10.128.7.0/24");
    assertThat(version(ConfigMap.class, NS, w.agent())).isEqualTo(cm);
    assertThat(dsGeneration(w)).isEqualTo(ds);

    admin.nodes().withName(w.node(9)).delete();
    Cluster.await().untilAsserted(() -> {
      assertReady(GatePeer.class, null, w.gatePeer());
      assertReady(DeviceSubnet.class, w.factory(), "sims");
    });
  }

  @Test
  void aDeviceSubnetOverTheClustersServiceRangeIsRefused() {
    World w = world(null);
    w.createNode(1, true);
    // The API server's own ServiceCIDR "kubernetes" is 10.96.0.0/16 (the test control plane's Service range).
    VirtualPrivateGateway vpg = Fixtures.vpg(w.vpg());
    vpg.getSpec().deviceSubnet = "10.96.0.0/12";
    admin.resource(vpg).create();
    admin.resource(w.gatePeer(w.gatePeer(), w.vpg(), "10.100.0.0/24")).create();

    assertStalled(GatePeer.class, null, w.gatePeer(), "ClusterRangeOverlap");
    assertThat(ready(w.gatePeerStatus().getStatus().conditions).getMessage()).contains("ServiceCIDR kubernetes");
    assertThat(admin.apps().daemonSets().inNamespace(NS).withName(w.agent()).get()).isNull();
    assertThat(admin.configMaps().inNamespace(NS).withName(w.agent()).get()).isNull();
  }

  @Test
  void aGatePeerMayNameOnlyAnAllowedAgentImage() {
    World w = world(null);
    w.createNode(1, true);
    admin.resource(Fixtures.vpg(w.vpg())).create();
    GatePeer peer = w.gatePeer(w.gatePeer(), w.vpg(), World.POOL);
    peer.getSpec().agent.image = "registry.example.com/someone/agent:1";
    admin.resource(peer).create();

    assertStalled(GatePeer.class, null, w.gatePeer(), "AgentImageNotAllowed");
    assertThat(admin.apps().daemonSets().inNamespace(NS).withName(w.agent()).get()).isNull();

    admin.resources(GatePeer.class).withName(w.gatePeer()).edit(gp -> {
      gp.getSpec().agent.image = null;
      return gp;
    });
    Cluster.await().untilAsserted(() -> assertReady(GatePeer.class, null, w.gatePeer()));
    assertThat(admin.apps().daemonSets().inNamespace(NS).withName(w.agent()).get().getSpec().getTemplate().getSpec()
        .getContainers().getFirst().getImage()).isEqualTo("simgate/agent:0.1.0");
  }

  static <T extends HasMetadata> void assertReady(Class<T> type, String namespace, String name) {
    Statuses.assertReady(admin, type, namespace, name);
  }

  static <T extends HasMetadata> void assertStalled(Class<T> type, String namespace, String name, String reason) {
    Statuses.assertStalled(admin, type, namespace, name, reason);
  }

  @Test
  void deletingTheResourcesRemovesWhatTheyOwned() {
    World w = readyWorld(null);
    Cluster.await().untilAsserted(() -> assertThat(DeviceNames.resolvable(admin, w.factory(), "sims")).hasSize(2));
    // A device that leaves the list loses its name; the others keep theirs.
    admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("sims").edit(s -> {
      s.getSpec().devices.removeIf(d -> d.name.equals("meter-7"));
      return s;
    });
    Cluster.await().untilAsserted(() -> {
      assertThat(DeviceNames.resolvable(admin, w.factory(), "sims")).isEqualTo(Map.of("pump-1", "10.128.3.17"));
      assertThat(admin.services().inNamespace(w.factory()).list().getItems())
          .extracting(svc -> svc.getMetadata().getName()).containsExactly("sims");
    });
    admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("sims").delete();
    admin.resources(GatePeer.class).withName(w.gatePeer()).delete();
    Cluster.await().untilAsserted(() -> {
      assertThat(admin.services().inNamespace(w.factory()).list().getItems()).isEmpty();
      assertThat(admin.discovery().v1().endpointSlices().inNamespace(w.factory()).list().getItems()).isEmpty();
      assertThat(admin.configMaps().inNamespace(NS).withName(w.agent()).get()).isNull();
      assertThat(admin.apps().daemonSets().inNamespace(NS).withName(w.agent()).get()).isNull();
      assertThat(admin.resources(ServiceAccount.class).inNamespace(NS).withName(w.agent()).get()).isNull();
    });
    Cluster.await().untilAsserted(() ->
        assertThat(admin.resources(VirtualPrivateGateway.class).withName(w.vpg()).get().getStatus().gatePeers).isZero());
  }

  @Test
  void theOperatorsRulesLetItWriteAgentObjectsInItsOwnNamespaceOnly() {
    World w = readyWorld(null);
    assertThat(admin.configMaps().inNamespace(NS).withName(w.agent()).get()).as("written in its namespace").isNotNull();
    var elsewhere = new ConfigMapBuilder().withNewMetadata().withName("probe").withNamespace(w.other()).endMetadata().build();
    assertThatThrownBy(() -> operatorClient.resource(elsewhere).create())
        .isInstanceOf(KubernetesClientException.class).satisfies(e -> assertThat(((KubernetesClientException) e).getCode())
            .as("HTTP status").isEqualTo(403));
  }

  static double reconcileErrors() {
    return reconciliations("[a-z-]+", "error");
  }

  static double reconciliations(String result) {
    return reconciliations("[a-z-]+", result);
  }

  static double reconciliations(String controller, String result) {
    return reconciliations(registry, controller, result);
  }

  /** Sum of simgate_operator_reconciliations_total over the controllers matching the regex, for one result. */
  static double reconciliations(PrometheusRegistry registry, String controller, String result) {
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
