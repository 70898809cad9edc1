package dev.simgate.operator.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import dev.simgate.operator.api.v1alpha1.AgentContainer;
import dev.simgate.operator.api.v1alpha1.GatePeerSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Builds the namespaced objects of one GatePeer: the agent ConfigMap, DaemonSet and ServiceAccount, all named
 * {@code simgate-<gatepeer>}. The agent never calls the Kubernetes API (its config arrives as a mounted file), so its
 * ServiceAccount has no rules and its pods get no token; it exists so the agents' identity is their own, not the
 * namespace's default.
 */
public final class AgentResources {
  private static final String TEMPLATE = "agent-daemonset.yaml";

  private AgentResources() {}

  private static ObjectMeta meta(String gatePeer, String namespace) {
    return new ObjectMetaBuilder()
        .withName(Labels.agentObjectName(gatePeer))
        .withNamespace(namespace)
        .withLabels(Labels.agent(gatePeer))
        .build();
  }

  public static ConfigMap configMap(String gatePeer, String namespace, String agentYaml) {
    return new ConfigMapBuilder()
        .withMetadata(meta(gatePeer, namespace))
        .withData(Map.of(AgentConfigRenderer.CONFIG_KEY, agentYaml))
        .build();
  }

  public static ServiceAccount serviceAccount(String gatePeer, String namespace) {
    return new ServiceAccountBuilder().withMetadata(meta(gatePeer, namespace)).build();
  }

  /** The DaemonSet template with this GatePeer's names, image, node selection and resources. */
  public static DaemonSet daemonSet(String gatePeer, String namespace, GatePeerSpec spec, AgentImage defaults) {
    DaemonSet ds = loadTemplate();
    String name = Labels.agentObjectName(gatePeer);
    ds.setMetadata(meta(gatePeer, namespace));
    ds.getSpec().getSelector().setMatchLabels(Labels.agentSelector(gatePeer));
    ds.getSpec().getTemplate().getMetadata().setLabels(Labels.agent(gatePeer));
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    pod.setServiceAccountName(name);
    pod.setNodeSelector(Map.copyOf(spec.nodeSelector));
    pod.setTolerations(spec.tolerations == null ? List.of() : List.copyOf(spec.tolerations));
    AgentContainer agent = spec.agent == null ? new AgentContainer() : spec.agent;
    var container = pod.getContainers().getFirst();
    boolean ownImage = agent.image != null;
    container.setImage(ownImage ? agent.image : defaults.image());
    container.setImagePullPolicy(ownImage || agent.imagePullPolicy != null ? agent.imagePullPolicy : defaults.pullPolicy());
    container.setResources(agent.resources);
    pod.getVolumes().stream()
        .filter(v -> v.getConfigMap() != null)
        .forEach(v -> v.getConfigMap().setName(name));
    return ds;
  }

  private static DaemonSet loadTemplate() {
    try (InputStream in = AgentResources.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + TEMPLATE);
      }
      return Serialization.unmarshal(in, DaemonSet.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
