package dev.simgate.operator.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import dev.simgate.operator.api.v1alpha1.Agent;
import dev.simgate.operator.api.v1alpha1.GatePeerSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Builds the namespaced objects of one GatePeer: the agent ConfigMap, DaemonSet, ServiceAccount and the Role that lets
 * that ServiceAccount read only its own ConfigMap. All share the name {@code simgate-<gatepeer>}.
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

  public static Role role(String gatePeer, String namespace) {
    return new RoleBuilder()
        .withMetadata(meta(gatePeer, namespace))
        .withRules(new PolicyRuleBuilder()
            .withApiGroups("")
            .withResources("configmaps")
            .withResourceNames(Labels.agentObjectName(gatePeer))
            .withVerbs("get", "list", "watch")
            .build())
        .build();
  }

  public static RoleBinding roleBinding(String gatePeer, String namespace) {
    String name = Labels.agentObjectName(gatePeer);
    return new RoleBindingBuilder()
        .withMetadata(meta(gatePeer, namespace))
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
        .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(namespace).endSubject()
        .build();
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
    Agent agent = spec.agent == null ? new Agent() : spec.agent;
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
