package dev.simgate.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.simgate.contract.agentconfig.ConfigException;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicyCodec;
import dev.simgate.operator.Fixtures;
import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.ReconcileMetrics;
import dev.simgate.operator.SimGateOperator;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetSpec;
import dev.simgate.operator.api.v1alpha1.ExposedService;
import dev.simgate.operator.api.v1alpha1.ExposedServiceStatus;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.NodeStatus;
import dev.simgate.operator.policy.PolicyPods;
import dev.simgate.operator.status.SharedWatch;
import dev.simgate.testkit.KubeControlPlane;
import dev.simgate.testkit.WithKubeControlPlane;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The node policies on a real control plane (kube-apiserver, garbage collector, DaemonSet controller, scheduler, kwok
 * nodes that run pods and give them addresses), with the operator in-process under the chart's rules: each node's
 * document follows the pods into and out of DeviceSubnets' selectors, never across namespaces, one pod's change writes
 * its own node's document only, steering lists every node and the ready gate nodes, exposed Services follow their
 * EndpointSlices on the gate nodes, and the node agent comes and goes with the GatePeers and may read its documents
 * only. The measurements (how long a new pod waits for its document, how long a deleted one stays in it) are printed.
 */
@WithKubeControlPlane(controllers = {"garbage-collector-controller", "daemonset-controller"}, scheduler = true, kwok = true)
class NodePolicyIT {
  static final String NS = OperatorScenarioIT.NS;
  static final LabelSelector TELEMETRY = new LabelSelectorBuilder().addToMatchLabels("app", "telemetry").build();

  static KubernetesClient admin;
  static KubernetesClient operatorClient;
  static SimGateOperator operator;
  static PrometheusRegistry registry;

  private World world;
  private final List<String> namespaces = new ArrayList<>();
  private double errorsBefore;

  @BeforeEach
  void countErrors() {
    errorsBefore = OperatorScenarioIT.reconciliations(registry, "[a-z-]+", "error");
  }

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
    operator = new SimGateOperator(operatorClient, new OperatorSettings(NS, Clock.systemUTC()),
        new ReconcileMetrics(registry)).start();
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
      assertThat(OperatorScenarioIT.reconciliations(registry, "[a-z-]+", "error") - errorsBefore)
          .as("failed reconciliations").isZero();
    } finally {
      for (String namespace : namespaces) {
        admin.pods().inNamespace(namespace).withGracePeriod(0).delete();
        admin.resources(DeviceSubnet.class).inNamespace(namespace).delete();
      }
      if (world != null) {
        admin.pods().inNamespace(world.factory()).withGracePeriod(0).delete();
        admin.pods().inNamespace(world.other()).withGracePeriod(0).delete();
        world.close();
      }
    }
  }

  /** Gate nodes 1 and 2, node 3 not a gate node, the VPG, GatePeer and DeviceSubnet "sims" selecting app=telemetry. */
  private World world() {
    world = World.create(admin, NS, null);
    world.createNode(1, true);
    world.createNode(2, true);
    world.createNode(3, false);
    world.createResources();
    editSubnet(world.factory(), s -> {
      s.getSpec().podSelector = TELEMETRY;
      return s;
    });
    Cluster.await().untilAsserted(() -> {
      GatePeer peer = world.gatePeerStatus();
      assertThat(peer.getStatus().nodes).filteredOn(NodeStatus::ready).hasSize(2);
      for (int n = 1; n <= 3; n++) {
        assertThat(policy(world.node(n))).as("policy of node %d", n).isNotNull();
      }
    });
    return world;
  }

  /** A namespace the world's VPG admits, with a DeviceSubnet "sims" of its own over {@code cidr}. */
  private String tenant(String name, String cidr, LabelSelector selector) {
    String namespace = name + "-" + world.id;
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
        .addToLabels(Fixtures.IOT_LABEL, "true").endMetadata().build()).create();
    namespaces.add(namespace);
    DeviceSubnet subnet = new DeviceSubnet(namespace, "sims", new DeviceSubnetSpec(world.vpg(), List.of(cidr), List.of()));
    subnet.getSpec().podSelector = selector;
    admin.resource(subnet).create();
    return namespace;
  }

  static Pod pod(String namespace, String name, String node, Map<String, String> labels) {
    return admin.resource(new PodBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels).endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("toolbox").endContainer().endSpec()
        .build()).create();
  }

  /** The pod's address once kwok gave it one. */
  static String ip(String namespace, String name) {
    String[] ip = new String[1];
    Cluster.await().untilAsserted(() -> {
      ip[0] = admin.pods().inNamespace(namespace).withName(name).get().getStatus().getPodIP();
      assertThat(ip[0]).isNotBlank();
    });
    return ip[0];
  }

  /** The node's policy as its node agent reads it: its own document joined with the steering table. */
  static NodePolicy policy(String node) throws ConfigException {
    ConfigMap cm = admin.configMaps().inNamespace(NS).withName(NodePolicy.configMapName(node)).get();
    ConfigMap table = admin.configMaps().inNamespace(NS).withName(NodePolicy.TABLE_CONFIG_MAP).get();
    return cm == null ? null : NodePolicyCodec.join(cm.getData().get(NodePolicy.KEY),
        table == null ? null : table.getData().get(NodePolicy.KEY));
  }

  /** owner → the pod addresses the node lets reach that DeviceSubnet's CIDRs. */
  static Map<String, Set<String>> access(String node) throws ConfigException {
    NodePolicy policy = policy(node);
    Map<String, Set<String>> access = new HashMap<>();
    if (policy != null) {
      policy.access().forEach(a -> access.put(a.owner(),
          a.sources().stream().map(Ipv4::toString).collect(Collectors.toCollection(TreeSet::new))));
    }
    return access;
  }

  /** Edits the DeviceSubnet "sims" of a namespace. */
  static void editSubnet(String namespace, UnaryOperator<DeviceSubnet> edit) {
    againOnConflict(() -> admin.resources(DeviceSubnet.class).inNamespace(namespace).withName("sims").edit(edit));
  }

  static void editPod(String namespace, String name, UnaryOperator<Pod> edit) {
    againOnConflict(() -> admin.pods().inNamespace(namespace).withName(name).edit(edit));
  }

  /** An edit raced by a status write (the operator's, kwok's) is made again on the new version. */
  static void againOnConflict(Runnable edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  DeviceSubnet subnet(String namespace) {
    return admin.resources(DeviceSubnet.class).inNamespace(namespace).withName("sims").get();
  }

  @Test
  void accessFollowsPodsIntoAndOutOfTheSelectorAndNeverCrossesNamespaces() throws ConfigException {
    World w = world();
    String tenantB = tenant("tenant-b", "10.129.0.0/16", TELEMETRY);
    String plain = w.node(3);
    String ownerA = w.factory() + "/sims";
    String ownerB = tenantB + "/sims";
    pod(w.factory(), "selected", plain, Map.of("app", "telemetry"));
    pod(w.factory(), "unselected", plain, Map.of("app", "billing"));
    pod(w.factory(), "on-gate", w.node(1), Map.of("app", "telemetry"));
    pod(tenantB, "b-pod", plain, Map.of("app", "telemetry"));
    // Same labels, a namespace the VPG does not admit and no DeviceSubnet of its own.
    pod(w.other(), "stranger", plain, Map.of("app", "telemetry"));
    String selected = ip(w.factory(), "selected");
    String unselected = ip(w.factory(), "unselected");
    String onGate = ip(w.factory(), "on-gate");
    String bPod = ip(tenantB, "b-pod");
    String stranger = ip(w.other(), "stranger");

    Cluster.await().untilAsserted(() -> {
      assertThat(access(plain)).isEqualTo(Map.of(ownerA, Set.of(selected), ownerB, Set.of(bPod)));
      assertThat(access(w.node(1))).isEqualTo(Map.of(ownerA, Set.of(onGate)));
      assertThat(access(w.node(2))).isEmpty();
      assertThat(subnet(w.factory()).getStatus().access.pods()).isEqualTo(2);
      assertThat(subnet(tenantB).getStatus().access.pods()).isEqualTo(1);
    });
    NodePolicy policy = policy(plain);
    assertThat(policy.access()).filteredOn(a -> a.owner().equals(ownerA)).singleElement()
        .satisfies(a -> assertThat(a.destinations()).containsExactly(Cidr.parse("10.128.0.0/16")));
    assertThat(policy.access()).filteredOn(a -> a.owner().equals(ownerB)).singleElement()
        .satisfies(a -> assertThat(a.destinations()).containsExactly(Cidr.parse("10.129.0.0/16")));
    assertThat(policy.access()).flatExtracting(NodePolicy.Access::sources).map(Ipv4::toString)
        .doesNotContain(unselected, stranger);

    // Labelled into the selector: access; out of it again, or deleted: none.
    editPod(w.factory(), "unselected", p -> {
      p.getMetadata().getLabels().put("app", "telemetry");
      return p;
    });
    Cluster.await().untilAsserted(() -> assertThat(access(plain).get(ownerA)).containsExactlyInAnyOrder(selected, unselected));
    editPod(w.factory(), "selected", p -> {
      p.getMetadata().getLabels().remove("app");
      return p;
    });
    admin.pods().inNamespace(w.factory()).withName("unselected").withGracePeriod(0).delete();
    Cluster.await().untilAsserted(() -> {
      assertThat(access(plain)).isEqualTo(Map.of(ownerB, Set.of(bPod)));
      assertThat(subnet(w.factory()).getStatus().access.pods()).isEqualTo(1);
    });
  }

  @Test
  void anUnsetSelectorLetsNoPodInAndAnEmptyOneEveryPodWithAnAddress() throws ConfigException {
    World w = world();
    editSubnet(w.factory(), s -> {
      s.getSpec().podSelector = null;
      return s;
    });
    // A node kwok does not run: its pod never gets an address, so it cannot be let in.
    admin.resource(new NodeBuilder().withNewMetadata().withName(w.node(4))
        .endMetadata().build()).create();
    pod(w.factory(), "a", w.node(3), Map.of("app", "telemetry"));
    pod(w.factory(), "b", w.node(3), Map.of());
    pod(w.factory(), "no-address", w.node(4), Map.of("app", "telemetry"));
    String a = ip(w.factory(), "a");
    String b = ip(w.factory(), "b");
    Cluster.await().untilAsserted(() -> {
      assertThat(access(w.node(3))).isEmpty();
      assertThat(subnet(w.factory()).getStatus().access.pods()).isZero();
      assertThat(subnet(w.factory()).getStatus().access.message()).contains("spec.podSelector is unset");
    });

    editSubnet(w.factory(), s -> {
      s.getSpec().podSelector = new LabelSelector();
      return s;
    });
    Cluster.await().untilAsserted(() -> {
      assertThat(access(w.node(3))).isEqualTo(Map.of(w.factory() + "/sims", Set.of(a, b)));
      assertThat(access(w.node(4))).isEmpty();
      assertThat(subnet(w.factory()).getStatus().access.pods()).isEqualTo(2);
    });
  }

  /**
   * The pod watch the node policies and the access reports share holds only pods that may be let in: the API server
   * leaves out hostNetwork pods (the agents: two on each node, whose every status change would otherwise reach the
   * operator) and finished ones, and a pod that finishes leaves the watch.
   */
  @Test
  void theSharedPodWatchHoldsNeitherHostNetworkNorFinishedPods() {
    World w = world();
    SharedWatch<Pod> watch = PolicyPods.watch(admin);
    SimpleInboundEventSource<Pod> source = watch.events("test", (pod, change) -> Set.of());
    source.start();
    try {
      admin.resource(new PodBuilder()
          .withNewMetadata().withNamespace(w.factory()).withName("host").endMetadata()
          .withNewSpec().withNodeName(w.node(3)).withHostNetwork(true)
          .addNewContainer().withName("c").withImage("toolbox").endContainer().endSpec()
          .build()).create();
      pod(w.factory(), "plain", w.node(3), Map.of()); // after "host": once it is watched, "host" would have been
      ip(w.factory(), "plain");
      Cluster.await().untilAsserted(() -> assertThat(watch.list().map(p -> p.getMetadata().getName()))
          .contains("plain").doesNotContain("host"));

      againOnConflict(() -> admin.pods().inNamespace(w.factory()).withName("plain").editStatus(p -> {
        p.getStatus().setPhase("Succeeded");
        return p;
      }));
      Cluster.await().untilAsserted(() -> assertThat(watch.list().map(p -> p.getMetadata().getName()))
          .doesNotContain("plain", "host"));
    } finally {
      source.stop();
    }
  }

  @Test
  void aPodChangeWritesOnlyItsOwnNodesDocument() throws Exception {
    World w = world();
    pod(w.factory(), "p3", w.node(3), Map.of());
    pod(w.factory(), "p1", w.node(1), Map.of());
    String p3 = ip(w.factory(), "p3");
    String p1 = ip(w.factory(), "p1");
    Map<String, Integer> writes = new ConcurrentHashMap<>();
    var documents = admin.configMaps().inNamespace(NS).withLabel("app.kubernetes.io/name", "simgate-node-policy");
    String from = documents.list().getMetadata().getResourceVersion();
    try (Watch watch = documents.withResourceVersion(from).watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, ConfigMap cm) {
            writes.merge(cm.getMetadata().getName(), 1, Integer::sum);
          }

          @Override
          public void onClose(WatcherException cause) {}
        })) {
      labelTelemetry(w.factory(), "p3");
      Cluster.await().untilAsserted(() -> assertThat(access(w.node(3))).containsEntry(w.factory() + "/sims", Set.of(p3)));
      // A later change on another node: once its document shows it, the first change's work is long done.
      labelTelemetry(w.factory(), "p1");
      Cluster.await().untilAsserted(() -> assertThat(access(w.node(1))).containsEntry(w.factory() + "/sims", Set.of(p1)));
    }
    assertThat(writes).as("writes of each node's document").isEqualTo(Map.of(
        NodePolicy.configMapName(w.node(3)), 1, NodePolicy.configMapName(w.node(1)), 1));
  }

  private static void labelTelemetry(String namespace, String pod) {
    editPod(namespace, pod, p -> {
      p.getMetadata().getLabels().put("app", "telemetry");
      return p;
    });
  }

  @Test
  void steeringListsEveryNodeAndTheReadyGateNodesAndKeepsAddressesAcrossRestarts() throws ConfigException {
    World w = world();
    Map<String, String> inner = OperatorScenarioIT.innerAddresses(w.gatePeerStatus());
    NodePolicy.Steering plain = policy(w.node(3)).steering();
    assertThat(plain).isNotNull();
    assertThat(plain.vni()).isEqualTo(5347);
    assertThat(plain.port()).isEqualTo(8479);
    assertThat(plain.localAddress().toString()).isEqualTo(w.outerAddress(3));
    assertThat(Cidr.parse("198.18.0.0/16").contains(plain.address())).isTrue();
    assertThat(plain.address().prefix()).isEqualTo(16);
    List<NodePolicy.SteeringNode> ours = plain.nodes().stream().filter(n -> n.name().startsWith(w.id + "-")).toList();
    assertThat(ours).extracting(NodePolicy.SteeringNode::name).containsExactly(w.node(1), w.node(2), w.node(3));
    assertThat(ours).extracting(n -> n.underlay().toString())
        .containsExactly(w.outerAddress(1), w.outerAddress(2), w.outerAddress(3));
    assertThat(ours).extracting(NodePolicy.SteeringNode::gate).containsExactly(true, true, false);
    assertThat(plain.nodes()).extracting(NodePolicy.SteeringNode::address).doesNotHaveDuplicates();
    assertThat(plain.routes()).filteredOn(r -> r.destination().equals(Cidr.parse("10.128.0.0/16"))).singleElement()
        .satisfies(r -> assertThat(r.gates()).extracting(g -> g.node() + "=" + g.innerAddress()).containsExactly(
            w.node(1) + "=" + inner.get(w.node(1)), w.node(2) + "=" + inner.get(w.node(2))));
    // A gate node steers to the other gate nodes (its own agent routes the CIDR).
    assertThat(policy(w.node(1)).steering().routes()).filteredOn(r -> r.destination().equals(Cidr.parse("10.128.0.0/16")))
        .singleElement().satisfies(r -> assertThat(r.gates()).extracting(NodePolicy.Gate::node).containsExactly(w.node(2)));

    // Node 2 stops being a gate node: no longer a gate, no longer a way to the SIMs.
    w.label(2, false);
    Cluster.await().untilAsserted(() -> {
      NodePolicy.Steering now = policy(w.node(3)).steering();
      assertThat(now.nodes()).filteredOn(n -> n.name().equals(w.node(2))).singleElement()
          .satisfies(n -> assertThat(n.gate()).isFalse());
      assertThat(now.routes()).filteredOn(r -> r.destination().equals(Cidr.parse("10.128.0.0/16"))).singleElement()
          .satisfies(r -> assertThat(r.gates()).extracting(NodePolicy.Gate::node).containsExactly(w.node(1)));
    });

    // The steering addresses are recorded: a restarted operator hands out the same ones.
    Map<String, Ipv4> before = steeringAddresses(w);
    operator.close();
    startOperator();
    w.createNode(5, false);
    Cluster.await().untilAsserted(() -> {
      Map<String, Ipv4> after = steeringAddresses(w);
      assertThat(after).containsKey(w.node(5));
      assertThat(after).containsAllEntriesOf(before);
    });
    ConfigMap ledger = admin.configMaps().inNamespace(NS).withName("simgate-steering").get();
    assertThat(ledger.getData()).containsEntry(w.node(3), before.get(w.node(3)).toString());
  }

  private static Map<String, Ipv4> steeringAddresses(World w) throws ConfigException {
    return policy(w.node(3)).steering().nodes().stream().filter(n -> n.name().startsWith(w.id + "-"))
        .collect(Collectors.toMap(NodePolicy.SteeringNode::name, NodePolicy.SteeringNode::address));
  }

  @Test
  void exposedServicesFollowTheirEndpointSlicesOnTheGateNodesOnly() throws ConfigException {
    World w = world();
    Map<String, String> inner = OperatorScenarioIT.innerAddresses(w.gatePeerStatus());
    admin.resource(new ServiceBuilder().withNewMetadata().withNamespace(w.factory()).withName("web").endMetadata()
        .withNewSpec().addNewPort().withName("http").withPort(80).withNewTargetPort(8080).endPort().endSpec().build())
        .create();
    admin.resource(slice(w.factory(), "web-1", "10.88.1.5", true, "10.88.1.6", false)).create();
    editSubnet(w.factory(), s -> {
      s.getSpec().exposedServices = List.of(new ExposedService("web", new IntOrString(80), ExposedService.Protocol.TCP, 8080));
      return s;
    });
    Cluster.await().untilAsserted(() -> {
      for (int n = 1; n <= 2; n++) {
        String gate = w.node(n);
        assertThat(policy(gate).exposures()).as("exposures of %s", gate).singleElement().satisfies(e -> {
          assertThat(e.owner()).isEqualTo(w.factory() + "/sims/web:80");
          assertThat(e.protocol()).isEqualTo(NodePolicy.Protocol.TCP);
          assertThat(e.address().toString()).isEqualTo(inner.get(gate));
          assertThat(e.port()).isEqualTo(8080);
          assertThat(e.sources()).containsExactly(Cidr.parse("10.128.0.0/16"));
          assertThat(e.targets()).extracting(t -> t.address() + ":" + t.port()).containsExactly("10.88.1.5:8080");
        });
      }
      assertThat(policy(w.node(3)).exposures()).isEmpty();
      assertThat(subnet(w.factory()).getStatus().exposedServices).singleElement().satisfies(s -> {
        assertThat(s.addresses()).containsExactly(inner.get(w.node(1)) + ":8080", inner.get(w.node(2)) + ":8080");
        assertThat(s.endpoints()).isEqualTo(1);
        assertThat(s.message()).isNull();
      });
    });

    // The second endpoint becomes ready; then the Service loses every endpoint.
    admin.resource(slice(w.factory(), "web-1", "10.88.1.5", true, "10.88.1.6", true)).update();
    Cluster.await().untilAsserted(() -> assertThat(policy(w.node(1)).exposures()).singleElement()
        .satisfies(e -> assertThat(e.targets()).hasSize(2)));
    admin.resource(slice(w.factory(), "web-1", "10.88.1.5", false, "10.88.1.6", false)).update();
    Cluster.await().untilAsserted(() -> {
      assertThat(policy(w.node(1)).exposures()).isEmpty();
      assertThat(subnet(w.factory()).getStatus().exposedServices).singleElement()
          .extracting(ExposedServiceStatus::message).asString().contains("no ready endpoint");
    });

    // Another DeviceSubnet of the VPG wants the same inner port: refused, and nothing changes on the nodes.
    String tenantB = tenant("tenant-b", "10.129.0.0/16", TELEMETRY);
    editSubnet(tenantB, s -> {
      s.getSpec().exposedServices = List.of(new ExposedService("api", new IntOrString("http"), ExposedService.Protocol.TCP,
          8080));
      return s;
    });
    Statuses.assertStalled(admin, DeviceSubnet.class, tenantB, "sims", "ExposedPortConflict");
    assertThat(Statuses.ready(subnet(tenantB).getStatus().conditions).getMessage())
        .contains("spec.exposedServices[0]", "8080/TCP", w.factory() + "/sims");
    Cluster.await().untilAsserted(() -> assertThat(subnet(tenantB).getStatus().exposedServices).singleElement()
        .extracting(ExposedServiceStatus::message).asString().contains("not accepted"));
  }

  static EndpointSlice slice(String namespace, String name, String a, boolean aReady, String b, boolean bReady) {
    return new EndpointSliceBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name)
        .addToLabels("kubernetes.io/service-name", "web").endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
        .addNewEndpoint().withAddresses(a).withNewConditions().withReady(aReady).endConditions().endEndpoint()
        .addNewEndpoint().withAddresses(b).withNewConditions().withReady(bReady).endConditions().endEndpoint()
        .build();
  }

  @Test
  void theNodeAgentComesAndGoesWithTheGatePeersAndMayReadItsNodesPoliciesOnly(KubeControlPlane plane) {
    World w = world();
    String agent = "simgate-node-agent";
    Cluster.await().untilAsserted(() -> {
      DaemonSet ds = admin.apps().daemonSets().inNamespace(NS).withName(agent).get();
      assertThat(ds).isNotNull();
      assertThat(ds.getMetadata().getOwnerReferences()).extracting(o -> o.getName()).contains(w.gatePeer());
      assertThat(ds.getStatus().getNumberReady()).as("a ready node agent on every node").isEqualTo(
          admin.nodes().list().getItems().size());
    });
    DaemonSet ds = admin.apps().daemonSets().inNamespace(NS).withName(agent).get();
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
    assertThat(pod.getTolerations()).singleElement().satisfies(t -> {
      assertThat(t.getOperator()).isEqualTo("Exists");
      assertThat(t.getKey()).isNull();
      assertThat(t.getEffect()).isNull();
    });
    assertThat(pod.getServiceAccountName()).isEqualTo(agent);
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getProjected().getSources())
        .anySatisfy(p -> assertThat(p.getServiceAccountToken().getExpirationSeconds()).isPositive()));
    var container = pod.getContainers().getFirst();
    assertThat(container.getImage()).isEqualTo("simgate/agent:0.1.0");
    assertThat(container.getSecurityContext().getPrivileged()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getAdd()).containsExactly("NET_ADMIN");
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");

    // The Role names exactly the current nodes' documents; a node that joins is added, one that leaves removed.
    Cluster.await().untilAsserted(() -> assertThat(roleNames()).isEqualTo(allDocuments()));
    w.createNode(6, false);
    Cluster.await().untilAsserted(() -> assertThat(roleNames()).contains(NodePolicy.configMapName(w.node(6)))
        .isEqualTo(allDocuments()));
    admin.nodes().withName(w.node(6)).delete();
    Cluster.await().untilAsserted(() -> assertThat(roleNames()).doesNotContain(NodePolicy.configMapName(w.node(6)))
        .isEqualTo(allDocuments()));

    // What the node agent's identity may do: get and watch its node's document by name; nothing else.
    KubernetesClient nodeAgent = plane.clientAs("system:serviceaccount:" + NS + ":" + agent);
    String mine = NodePolicy.configMapName(w.node(3));
    assertThat(nodeAgent.configMaps().inNamespace(NS).withName(mine).get().getData()).containsKey(NodePolicy.KEY);
    try (Watch watch = nodeAgent.configMaps().inNamespace(NS).withField("metadata.name", mine).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {}

      @Override
      public void onClose(WatcherException cause) {}
    })) {
      assertThat(watch).isNotNull();
    }
    admin.resource(new SecretBuilder().withNewMetadata().withNamespace(NS).withName("probe-" + w.id).endMetadata()
        .addToStringData("k", "v").build()).create();
    for (Runnable forbidden : List.<Runnable>of(
        () -> nodeAgent.configMaps().inNamespace(NS).list(),
        () -> nodeAgent.configMaps().inNamespace(NS).withField("metadata.name", mine).list(),
        () -> nodeAgent.configMaps().inNamespace(NS).withName(w.agent()).get(),
        () -> nodeAgent.configMaps().inNamespace(NS).withName("simgate-ranges-" + w.vpg()).get(),
        () -> nodeAgent.configMaps().inNamespace(NS).withName("simgate-steering").get(),
        () -> nodeAgent.configMaps().inNamespace(w.factory()).withName(mine).get(),
        () -> nodeAgent.secrets().inNamespace(NS).withName("probe-" + w.id).get(),
        () -> nodeAgent.secrets().inNamespace(NS).list(),
        () -> nodeAgent.configMaps().inNamespace(NS).resource(new ConfigMapBuilder(
            admin.configMaps().inNamespace(NS).withName(mine).get()).addToData("x", "y").build()).update())) {
      assertThatThrownBy(forbidden::run).isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }
    admin.secrets().inNamespace(NS).withName("probe-" + w.id).delete();

    // Every GatePeer owns the node agent: one of two goes, the node agent stays; the last goes, and it goes with it.
    String second = "gp2-" + w.id;
    GatePeer idle = w.gatePeer(second, w.vpg(), "10.255.254.0/30");
    idle.getSpec().nodeSelector = Map.of(Fixtures.GATE_LABEL, "none-" + w.id);
    admin.resource(idle).create();
    Cluster.await().untilAsserted(() -> assertThat(admin.apps().daemonSets().inNamespace(NS).withName(agent).get()
        .getMetadata().getOwnerReferences()).extracting(o -> o.getName()).containsExactly(w.gatePeer(), second));
    admin.resources(GatePeer.class).withName(w.gatePeer()).delete();
    Cluster.await().untilAsserted(() -> {
      for (var owned : List.of(admin.apps().daemonSets().inNamespace(NS).withName(agent).get(),
          admin.serviceAccounts().inNamespace(NS).withName(agent).get(),
          admin.rbac().roles().inNamespace(NS).withName(agent).get(),
          admin.rbac().roleBindings().inNamespace(NS).withName(agent).get())) {
        assertThat(owned.getMetadata().getOwnerReferences()).extracting(o -> o.getName()).containsExactly(second);
      }
    });
    admin.resources(GatePeer.class).list().getItems().forEach(gp -> admin.resource(gp).delete());
    Cluster.await().untilAsserted(() -> {
      assertThat(admin.apps().daemonSets().inNamespace(NS).withName(agent).get()).isNull();
      assertThat(admin.serviceAccounts().inNamespace(NS).withName(agent).get()).isNull();
      assertThat(admin.rbac().roles().inNamespace(NS).withName(agent).get()).isNull();
      assertThat(admin.rbac().roleBindings().inNamespace(NS).withName(agent).get()).isNull();
      assertThat(allDocumentsStored()).isEmpty();
    });
    // And back with a GatePeer.
    admin.resource(w.gatePeer(w.gatePeer(), w.vpg(), World.POOL)).create();
    Cluster.await().untilAsserted(() -> {
      assertThat(admin.apps().daemonSets().inNamespace(NS).withName(agent).get()).isNotNull();
      assertThat(allDocumentsStored()).containsAll(allDocuments());
    });
  }

  private static Set<String> roleNames() {
    return new TreeSet<>(admin.rbac().roles().inNamespace(NS).withName("simgate-node-agent").get().getRules()
        .getFirst().getResourceNames());
  }

  /** The document names of the nodes there are, and the steering table. */
  private static Set<String> allDocuments() {
    Set<String> names = admin.nodes().list().getItems().stream()
        .map(n -> NodePolicy.configMapName(n.getMetadata().getName())).collect(Collectors.toCollection(TreeSet::new));
    names.add(NodePolicy.TABLE_CONFIG_MAP);
    return names;
  }

  private static Set<String> allDocumentsStored() {
    return admin.configMaps().inNamespace(NS).withLabel("app.kubernetes.io/name", "simgate-node-policy").list()
        .getItems().stream().map(cm -> cm.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * Measured, not asserted: how long a new pod waits from getting its address (kwok, through the API) until its node's
   * document lets it in, and how long a deleted pod stays in it after its deletion was asked for.
   */
  @Test
  void measuresHowLongPodsWaitForAccessAndKeepItAfterDeletion() throws Exception {
    World w = world();
    int perNode = Integer.getInteger("simgate.policy.podsPerNode", 30);
    Map<String, Long> addressed = new ConcurrentHashMap<>();
    Map<String, Long> admitted = new ConcurrentHashMap<>();
    Map<String, Long> gone = new ConcurrentHashMap<>();
    Map<String, String> nodeOf = new ConcurrentHashMap<>();
    try (Watch pods = admin.pods().inNamespace(w.factory()).watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, Pod pod) {
            if (pod.getStatus() != null && pod.getStatus().getPodIP() != null) {
              addressed.putIfAbsent(pod.getStatus().getPodIP(), System.nanoTime());
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        });
        Watch documents = admin.configMaps().inNamespace(NS).withLabel("app.kubernetes.io/name", "simgate-node-policy")
            .watch(new Watcher<>() {
              @Override
              public void eventReceived(Action action, ConfigMap cm) {
                long now = System.nanoTime();
                Set<String> in = new TreeSet<>();
                try {
                  NodePolicyCodec.parse(cm.getData().get(NodePolicy.KEY)).access()
                      .forEach(a -> a.sources().forEach(ip -> in.add(ip.toString())));
                } catch (ConfigException e) {
                  throw new IllegalStateException(e);
                }
                in.forEach(ip -> admitted.putIfAbsent(ip, now));
                nodeOf.forEach((ip, node) -> {
                  if (cm.getMetadata().getName().equals(NodePolicy.configMapName(node)) && admitted.containsKey(ip)
                      && !in.contains(ip)) {
                    gone.putIfAbsent(ip, now);
                  }
                });
              }

              @Override
              public void onClose(WatcherException cause) {}
            })) {
      List<String> names = new ArrayList<>();
      for (int n = 1; n <= 3; n++) {
        for (int i = 0; i < perNode; i++) {
          String name = "m-" + n + "-" + i;
          pod(w.factory(), name, w.node(n), Map.of("app", "telemetry"));
          names.add(name);
        }
      }
      Map<String, String> ips = new HashMap<>();
      for (String name : names) {
        ips.put(name, ip(w.factory(), name));
        nodeOf.put(ips.get(name), admin.pods().inNamespace(w.factory()).withName(name).get().getSpec().getNodeName());
      }
      Cluster.await().untilAsserted(() -> assertThat(admitted.keySet()).containsAll(ips.values()));
      Map<String, Long> asked = new HashMap<>();
      for (String name : names) {
        asked.put(ips.get(name), System.nanoTime());
        admin.pods().inNamespace(w.factory()).withName(name).delete();
      }
      Cluster.await().untilAsserted(() -> assertThat(gone.keySet()).containsAll(ips.values()));
      List<Long> waits = ips.values().stream().map(ip -> admitted.get(ip) - addressed.get(ip)).sorted().toList();
      List<Long> kept = ips.values().stream().map(ip -> gone.get(ip) - asked.get(ip)).sorted().toList();
      System.out.printf("node policy access latency, %d pods on %d nodes (from the pod's address in the API to its"
          + " node's document allowing it): %s%n", ips.size(), 3, summary(waits));
      System.out.printf("node policy access kept after deletion, %d pods (from the delete request to its node's"
          + " document without it): %s%n", ips.size(), summary(kept));
    }
  }

  private static String summary(List<Long> nanos) {
    return String.format("p50 %d ms, p90 %d ms, max %d ms", nanos.get(nanos.size() / 2) / 1_000_000,
        nanos.get(nanos.size() * 9 / 10) / 1_000_000, nanos.getLast() / 1_000_000);
  }
}
