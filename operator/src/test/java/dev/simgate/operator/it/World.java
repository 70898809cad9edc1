package dev.simgate.operator.it;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.simgate.operator.Fixtures;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The objects of one scenario test, named so that no two tests share any: a VPG, GatePeers that select nodes by the
 * world's own gate label value, DeviceSubnets in the world's own namespaces, and its nodes. Closing deletes them, so a
 * test leaves the control plane as it found it (namespaces aside: no namespace controller runs).
 */
final class World implements AutoCloseable {
  static final String POOL = "10.255.255.0/30"; // two usable addresses: .1 and .2
  private static final AtomicInteger COUNT = new AtomicInteger();

  final String id;
  /** The value of {@link Fixtures#GATE_LABEL} that this world's GatePeers select. */
  final String gate;
  private final KubernetesClient admin;
  private final String operatorNamespace;
  private final int number;

  private World(KubernetesClient admin, String operatorNamespace, String gate) {
    this.number = COUNT.incrementAndGet();
    this.id = "w" + number;
    this.gate = gate == null ? id : gate;
    this.admin = admin;
    this.operatorNamespace = operatorNamespace;
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(factory())
        .addToLabels(Fixtures.IOT_LABEL, "true").endMetadata().build()).create();
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(other()).endMetadata().build()).create();
  }

  /** A world whose GatePeers select {@code gate} (null: a value of its own). */
  static World create(KubernetesClient admin, String operatorNamespace, String gate) {
    return new World(admin, operatorNamespace, gate);
  }

  String vpg() {
    return "vpg-" + id;
  }

  String gatePeer() {
    return "gp-" + id;
  }

  /** The name of the GatePeer's objects in the operator's namespace. */
  String agent() {
    return "simgate-" + gatePeer();
  }

  /** A namespace the world's VPG admits. */
  String factory() {
    return "factory-" + id;
  }

  /** A namespace the world's VPG does not admit. */
  String other() {
    return "other-" + id;
  }

  String node(int n) {
    return id + "-node-" + n;
  }

  /** Node {@code n} with an outer address of its own; selected by the world's GatePeers when {@code gate}. */
  void createNode(int n, boolean gate) {
    Node node = Fixtures.node(node(n), outerAddress(n), gate);
    if (gate) {
      node.getMetadata().getLabels().put(Fixtures.GATE_LABEL, this.gate);
    }
    admin.resource(node).create();
  }

  /**
   * Node {@code n}'s outer address, unique per world for any number of worlds in the JVM (the ITs share the counter):
   * 192.0.2.x for the first 25 worlds, then 198.18.0.0/15 (RFC 2544), ten addresses per world either way.
   */
  String outerAddress(int n) {
    if (number < 25) {
      return "192.0.2." + (number * 10 + n);
    }
    int index = number * 10 + n;
    return "198." + (18 + index / 65_536) + "." + (index / 256 % 256) + "." + (index % 256);
  }

  void label(int n, boolean gate) {
    admin.nodes().withName(node(n)).edit(node -> {
      if (gate) {
        node.getMetadata().getLabels().put(Fixtures.GATE_LABEL, this.gate);
      } else {
        node.getMetadata().getLabels().remove(Fixtures.GATE_LABEL);
      }
      return node;
    });
  }

  /** The VPG, the GatePeer with {@link #POOL} and a DeviceSubnet of two named devices in {@link #factory()}. */
  void createResources() {
    admin.resource(Fixtures.vpg(vpg())).create();
    admin.resource(gatePeer(gatePeer(), vpg(), POOL)).create();
    admin.resource(Fixtures.deviceSubnet(factory(), "sims", vpg())).create();
  }

  /** A GatePeer of this world: it selects the world's gate nodes. */
  GatePeer gatePeer(String name, String vpg, String pool) {
    GatePeer peer = Fixtures.gatePeer(name, vpg, pool);
    peer.getSpec().nodeSelector = Map.of(Fixtures.GATE_LABEL, gate);
    return peer;
  }

  GatePeer gatePeerStatus() {
    return admin.resources(GatePeer.class).withName(gatePeer()).get();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> agentConfig() throws IOException {
    ConfigMap cm = admin.configMaps().inNamespace(operatorNamespace).withName(agent()).get();
    return new YAMLMapper().readValue(cm.getData().get("agent.yaml"), Map.class);
  }

  @Override
  public void close() {
    for (String namespace : List.of(factory(), other())) {
      admin.resources(DeviceSubnet.class).inNamespace(namespace).delete();
    }
    admin.resources(GatePeer.class).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().endsWith("-" + id))
        .forEach(p -> admin.resource(p).delete());
    admin.resources(VirtualPrivateGateway.class).list().getItems().stream()
        .filter(v -> v.getMetadata().getName().endsWith("-" + id))
        .forEach(v -> admin.resource(v).delete());
    admin.nodes().list().getItems().stream()
        .filter(n -> n.getMetadata().getName().startsWith(id + "-"))
        .forEach(n -> admin.resource(n).delete());
  }
}
