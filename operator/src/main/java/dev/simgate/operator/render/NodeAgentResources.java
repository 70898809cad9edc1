package dev.simgate.operator.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;
import java.util.Map;

import dev.simgate.contract.nodepolicy.NodePolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
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
 * The node agent's objects, one set for the cluster, all named {@value #NAME} in the operator's namespace: the
 * DaemonSet (every node), its ServiceAccount, and a Role + RoleBinding that let it get and watch exactly the node
 * policy ConfigMaps ({@code simgate-node-<node>}, by name) and the steering table, nothing else. Each is owned by every GatePeer, so
 * the garbage collector removes them with the last one.
 */
public final class NodeAgentResources {
  public static final String NAME = "simgate-node-agent";
  /** Label selector of the node agent's objects (and pods). */
  public static final String SELECTOR = Labels.NAME + "=" + NAME;
  private static final String TEMPLATE = "node-agent-daemonset.yaml";

  private NodeAgentResources() {}

  public static Map<String, String> selectorLabels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.NAME, NAME);
    return labels;
  }

  public static Map<String, String> labels() {
    Map<String, String> labels = selectorLabels();
    labels.put(Labels.MANAGED_BY, Labels.OPERATOR);
    return labels;
  }

  /**
   * Owner references to every live GatePeer, sorted by name (none controls them: they are shared). Never none: a
   * GatePeer reconciled after the last live one left the cache names itself, so that the garbage collector still
   * removes what that late reconcile writes; an object with no owners would stay for ever.
   */
  public static List<OwnerReference> owners(HasMetadata reconciled, Collection<? extends HasMetadata> live) {
    return (live.isEmpty() ? List.of(reconciled) : live).stream()
        .sorted(Comparator.comparing(g -> g.getMetadata().getName()))
        .map(g -> new OwnerReferenceBuilder()
            .withApiVersion(g.getApiVersion())
            .withKind(g.getKind())
            .withName(g.getMetadata().getName())
            .withUid(g.getMetadata().getUid())
            .build())
        .toList();
  }

  private static ObjectMeta meta(String namespace, List<OwnerReference> owners) {
    return new ObjectMetaBuilder()
        .withName(NAME)
        .withNamespace(namespace)
        .withLabels(labels())
        .withOwnerReferences(owners)
        .build();
  }

  public static ServiceAccount serviceAccount(String namespace, List<OwnerReference> owners) {
    return new ServiceAccountBuilder().withMetadata(meta(namespace, owners)).build();
  }

  /**
   * Read access to exactly the steering table and the policy ConfigMaps of {@code nodes}: get, and watch (the node
   * agent watches each with a {@code metadata.name} field selector, which the API server authorizes against
   * resourceNames). No list: it has no use for one.
   */
  public static Role role(String namespace, List<OwnerReference> owners, Collection<String> nodes) {
    List<String> names = Stream.concat(Stream.of(NodePolicy.TABLE_CONFIG_MAP),
        nodes.stream().sorted().distinct().map(NodePolicy::configMapName)).toList();
    return new RoleBuilder()
        .withMetadata(meta(namespace, owners))
        .withRules(new PolicyRuleBuilder()
            .withApiGroups("")
            .withResources("configmaps")
            .withResourceNames(names)
            .withVerbs("get", "watch")
            .build())
        .build();
  }

  public static RoleBinding roleBinding(String namespace, List<OwnerReference> owners) {
    return new RoleBindingBuilder()
        .withMetadata(meta(namespace, owners))
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", NAME)
        .addNewSubject().withKind("ServiceAccount").withName(NAME).withNamespace(namespace).endSubject()
        .build();
  }

  /** The DaemonSet template with its names, labels and the operator's agent image. */
  public static DaemonSet daemonSet(String namespace, List<OwnerReference> owners, AgentImage image) {
    DaemonSet ds = loadTemplate();
    ds.setMetadata(meta(namespace, owners));
    ds.getSpec().getSelector().setMatchLabels(selectorLabels());
    ds.getSpec().getTemplate().getMetadata().setLabels(labels());
    ds.getSpec().getTemplate().getSpec().setServiceAccountName(NAME);
    var container = ds.getSpec().getTemplate().getSpec().getContainers().getFirst();
    container.setImage(image.image());
    container.setImagePullPolicy(image.pullPolicy());
    return ds;
  }

  private static DaemonSet loadTemplate() {
    try (InputStream in = NodeAgentResources.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + TEMPLATE);
      }
      return Serialization.unmarshal(in, DaemonSet.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
