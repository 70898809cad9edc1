package dev.simgate.operator.nodeagent;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.render.NodeAgentResources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * Base of the node agent's objects: one of each for the cluster, named {@value NodeAgentResources#NAME} in the
 * operator's namespace, owned by every GatePeer (not only the one being reconciled, so that every GatePeer wants the
 * same object and the garbage collector removes it with the last GatePeer). Watched in the operator's namespace only.
 */
abstract class NodeAgentDependent<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, GatePeer> {
  protected final String namespace;

  NodeAgentDependent(Class<R> type, String namespace) {
    super(type, "node-agent-" + type.getSimpleName().toLowerCase(Locale.ROOT));
    this.namespace = namespace;
    configureWith(new KubernetesDependentResourceConfigBuilder<R>()
        .withKubernetesDependentInformerConfig(InformerConfiguration.builder(type)
            .withNamespaces(Set.of(namespace))
            .withLabelSelector(NodeAgentResources.SELECTOR)
            .build())
        .build());
  }

  abstract R build(List<OwnerReference> owners, Context<GatePeer> context);

  @Override
  protected R desired(GatePeer primary, Context<GatePeer> context) {
    return build(NodeAgentResources.owners(primary, context.getPrimaryCache().list()
        .filter(gp -> gp.getMetadata().getDeletionTimestamp() == null).toList()), context);
  }

  @Override
  protected boolean addOwnerReference() {
    return false; // desired() names every GatePeer as owner
  }

  @Override
  protected ResourceID targetSecondaryResourceID(GatePeer primary, Context<GatePeer> context) {
    return new ResourceID(NodeAgentResources.NAME, namespace);
  }
}
