package dev.simgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kube-controller-manager (garbage collector, DaemonSet controller), kube-scheduler and kwok acting on a real
 * kube-apiserver.
 */
@WithKubeControlPlane(
    controllers = {"garbage-collector-controller", "daemonset-controller"},
    scheduler = true,
    kwok = true)
class ControllersIT {

  private static final Duration PATIENCE = Duration.ofMinutes(2);
  private static final String GATE_PEER_LABEL = "simgate.dev/gate-peer";

  @Test
  void aDeploymentOwnedByAConfigMapIsGarbageCollectedWithIt(KubernetesClient client) {
    String ns = namespace(client, "gc-test");
    ConfigMap owner = client.configMaps().inNamespace(ns)
        .resource(new ConfigMapBuilder().withNewMetadata().withName("owner").endMetadata().build())
        .create();
    client.apps().deployments().inNamespace(ns).resource(deployment("owned", owner)).create();
    client.apps().deployments().inNamespace(ns).resource(deployment("unowned", null)).create();

    client.configMaps().inNamespace(ns).withName("owner").delete();

    await().atMost(PATIENCE)
        .until(() -> client.apps().deployments().inNamespace(ns).withName("owned").get() == null);
    assertThat(client.apps().deployments().inNamespace(ns).withName("unowned").get()).isNotNull();
  }

  @Test
  void aDaemonSetGetsOneScheduledPodPerMatchingNodeAndNoneElsewhere(KubernetesClient client) {
    String ns = namespace(client, "ds-test");
    readyNode(client, "gate-a", Map.of(GATE_PEER_LABEL, "true"));
    readyNode(client, "gate-b", Map.of(GATE_PEER_LABEL, "true"));
    readyNode(client, "plain-c", Map.of());

    DaemonSet agent = client.apps().daemonSets().inNamespace(ns)
        .resource(daemonSet("agent", Map.of(GATE_PEER_LABEL, "true")))
        .create();

    await().atMost(PATIENCE).untilAsserted(() -> {
      assertThat(boundNodes(client, ns, "agent")).containsExactlyInAnyOrder("gate-a", "gate-b");
      DaemonSet status = client.apps().daemonSets().inNamespace(ns).withName("agent").get();
      assertThat(status.getStatus().getObservedGeneration()).isEqualTo(agent.getMetadata().getGeneration());
      assertThat(status.getStatus().getDesiredNumberScheduled()).isEqualTo(2);
      assertThat(status.getStatus().getCurrentNumberScheduled()).isEqualTo(2);
    });
    // The controller has settled on two pods; plain-c has none because of the selector alone:
    assertThat(boundNodes(client, ns, "agent")).doesNotContain("plain-c").hasSize(2);
    client.nodes().withName("plain-c").edit(n -> new NodeBuilder(n)
        .editMetadata().addToLabels(GATE_PEER_LABEL, "true").endMetadata().build());
    await().atMost(PATIENCE).untilAsserted(() ->
        assertThat(boundNodes(client, ns, "agent")).containsExactlyInAnyOrder("gate-a", "gate-b", "plain-c"));
  }

  @Test
  void kwokMakesItsNodesReadyAndRunsTheirPods(KubernetesClient client) {
    String ns = namespace(client, "kwok-test");
    client.nodes().resource(new NodeBuilder()
            .withNewMetadata()
            .withName("kwok-1")
            .addToAnnotations(KubeControlPlane.KWOK_NODE_ANNOTATION, KubeControlPlane.KWOK_NODE_ANNOTATION_VALUE)
            .addToLabels("type", "kwok")
            .endMetadata()
            .build())
        .create();
    await().atMost(PATIENCE).until(() -> isReady(client.nodes().withName("kwok-1").get()));

    client.apps().daemonSets().inNamespace(ns).resource(daemonSet("on-kwok", Map.of("type", "kwok"))).create();

    await().atMost(PATIENCE).untilAsserted(() -> {
      List<Pod> pods = client.pods().inNamespace(ns).withLabel("app", "on-kwok").list().getItems();
      assertThat(pods).singleElement().satisfies(pod -> {
        assertThat(pod.getSpec().getNodeName()).isEqualTo("kwok-1");
        assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
      });
    });
  }

  private static String namespace(KubernetesClient client, String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  /** A plain Node object (no kubelet) that looks Ready with room for pods; its status set via the subresource. */
  private static void readyNode(KubernetesClient client, String name, Map<String, String> labels) {
    Node created = client.nodes()
        .resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build())
        .create();
    Map<String, Quantity> resources =
        Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"), "pods", new Quantity("110"));
    client.nodes().resource(new NodeBuilder(created)
            .withNewStatus()
            .withCapacity(resources)
            .withAllocatable(resources)
            .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady").endCondition()
            .endStatus()
            .build())
        .updateStatus();
  }

  private static boolean isReady(Node node) {
    return node != null && node.getStatus() != null && node.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  /** Node names of the DaemonSet's pods that the scheduler has bound (an unbound pod counts as null). */
  private static List<String> boundNodes(KubernetesClient client, String ns, String app) {
    return client.pods().inNamespace(ns).withLabel("app", app).list().getItems().stream()
        .map(pod -> pod.getSpec().getNodeName())
        .toList();
  }

  private static DaemonSet daemonSet(String name, Map<String, String> nodeSelector) {
    PodTemplateSpec template = podTemplate(name);
    template.getSpec().setNodeSelector(nodeSelector);
    return new DaemonSetBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec()
        .withNewSelector().addToMatchLabels("app", name).endSelector()
        .withTemplate(template)
        .endSpec()
        .build();
  }

  private static Deployment deployment(String name, ConfigMap owner) {
    DeploymentBuilder builder = new DeploymentBuilder().withNewMetadata().withName(name).endMetadata();
    if (owner != null) {
      builder.editMetadata().addToOwnerReferences(new OwnerReferenceBuilder()
              .withApiVersion("v1").withKind("ConfigMap")
              .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
              .build())
          .endMetadata();
    }
    return builder.withNewSpec()
        .withNewSelector().addToMatchLabels("app", name).endSelector()
        .withTemplate(podTemplate(name))
        .endSpec()
        .build();
  }

  private static PodTemplateSpec podTemplate(String app) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata().addToLabels("app", app).endMetadata()
        .withNewSpec()
        // never pulled: no kubelet runs here (kwok only pretends)
        .addNewContainer().withName("main").withImage("registry.invalid/simgate/none:1").endContainer()
        .endSpec()
        .build();
  }
}
