package dev.simgate.operator.nodepolicy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicy.Route;
import dev.simgate.contract.nodepolicy.NodePolicy.SteeringNode;
import dev.simgate.contract.nodepolicy.NodePolicyCodec;
import dev.simgate.operator.render.Labels;
import dev.simgate.operator.status.PrunedStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The node policy ConfigMaps ({@code simgate-node-<node>}, key {@code policy.json}) in the operator's namespace, each
 * owned by its Node (so it goes with the Node), and the steering table all nodes share
 * ({@link NodePolicy#TABLE_CONFIG_MAP}), written only when the document changed. A write is compared with what
 * the informer holds, or with what this operator wrote last when the informer has not seen that yet, so a reconcile
 * on a cache a write behind does not write the same document again. Documents are compared by digest: a thousand
 * nodes' documents of a hundred kilobytes each are not kept in the operator's memory ({@link #digestOnly}).
 */
final class PolicyDocuments {
  static final String LABEL = "simgate-node-policy";
  static final String SELECTOR = Labels.NAME + "=" + LABEL;
  static final String NODE_ANNOTATION = "simgate.dev/node";
  private static final String FIELD_MANAGER = "simgate-operator";
  /** The key under which the informer's store keeps a document's digest instead of the document. */
  private static final String DIGEST = "sha256";
  private static final Logger LOG = LoggerFactory.getLogger(PolicyDocuments.class);

  private record Written(long version, String digest) {}

  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, Written> written = new ConcurrentHashMap<>();

  PolicyDocuments(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The node a policy ConfigMap is for. */
  static Optional<String> nodeOf(ConfigMap document) {
    var annotations = document.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations == null ? null : annotations.get(NODE_ANNOTATION));
  }

  /**
   * Writes {@code json} as the node's document unless it already is.
   *
   * @param cached the informer's copy, or null
   * @return whether it was written
   */
  boolean apply(Node node, String json, ConfigMap cached) {
    return apply(NodePolicy.configMapName(node.getMetadata().getName()), node, json, cached);
  }

  /** Whether {@code json} differs from the document {@code configMap} holds (or it has none). */
  boolean differs(String configMap, String json, ConfigMap cached) {
    return !PrunedStore.digest(json).equals(current(configMap, cached));
  }

  /** The steering table ({@link NodePolicy#TABLE_CONFIG_MAP}) as written, made once per change of what it holds. */
  record Table(String json, String digest) {
    static Table of(List<SteeringNode> nodes, List<Route> routes) {
      String json = NodePolicyCodec.writeTable(nodes, routes);
      return new Table(json, PrunedStore.digest(json));
    }
  }

  /** Writes the steering table unless it already is. */
  boolean applyTable(Table table, ConfigMap cached) {
    return apply(NodePolicy.TABLE_CONFIG_MAP, null, table.json(), table.digest(), cached);
  }

  private boolean apply(String name, Node node, String json, ConfigMap cached) {
    return apply(name, node, json, PrunedStore.digest(json), cached);
  }

  private boolean apply(String name, Node node, String json, String digest, ConfigMap cached) {
    if (digest.equals(current(name, cached))) {
      return false;
    }
    ConfigMap applied = client.resource(build(name, node, json)).fieldManager(FIELD_MANAGER).forceConflicts()
        .serverSideApply();
    written.put(name, new Written(version(applied), digest));
    LOG.atDebug().addKeyValue("configMap", name).addKeyValue("bytes", json.length()).log("node policy written");
    return true;
  }

  /** Deletes the node's document (or, with {@link NodePolicy#TABLE_CONFIG_MAP}, the table), if there is one. */
  void delete(String configMap, ConfigMap cached) {
    written.remove(configMap);
    if (cached != null) {
      client.resource(cached).delete();
      LOG.atDebug().addKeyValue("configMap", configMap).log("node policy deleted");
    }
  }

  /** The digest of the document as stored: the cached one, unless this operator wrote a newer one since. */
  private String current(String configMap, ConfigMap cached) {
    Written last = written.get(configMap);
    long cachedVersion = cached == null ? -1 : version(cached);
    if (last != null && last.version() > cachedVersion) {
      return last.digest();
    }
    return cached == null || cached.getData() == null ? null : cached.getData().get(DIGEST);
  }

  /** What the informer keeps of a document ({@link PrunedStore}): its identity, annotations and digest only. */
  static ConfigMap digestOnly(ConfigMap document) {
    String json = document.getData() == null ? null : document.getData().get(NodePolicy.KEY);
    return new ConfigMapBuilder()
        .withMetadata(PrunedStore.identity(document.getMetadata()))
        .editMetadata().withAnnotations(document.getMetadata().getAnnotations()).endMetadata()
        .withData(json == null ? Map.of() : Map.of(DIGEST, PrunedStore.digest(json)))
        .build();
  }

  private static long version(ConfigMap cm) {
    try {
      return Long.parseLong(cm.getMetadata().getResourceVersion());
    } catch (RuntimeException e) {
      return -1; // not a number: trust the cache
    }
  }

  /** @param node the Node that owns it (it goes with its Node); null: the table, which no Node owns */
  private ConfigMap build(String name, Node node, String json) {
    var metadata = new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels(Labels.NAME, LABEL)
        .addToLabels(Labels.MANAGED_BY, Labels.OPERATOR);
    if (node != null) {
      metadata.addToAnnotations(NODE_ANNOTATION, node.getMetadata().getName())
          // Goes with its Node: a node that leaves the cluster leaves no document behind.
          .withOwnerReferences(new OwnerReferenceBuilder()
              .withApiVersion("v1")
              .withKind("Node")
              .withName(node.getMetadata().getName())
              .withUid(node.getMetadata().getUid())
              .build());
    }
    return metadata.endMetadata().withData(Map.of(NodePolicy.KEY, json)).build();
  }
}
