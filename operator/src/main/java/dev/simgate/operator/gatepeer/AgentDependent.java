package dev.simgate.operator.gatepeer;

import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.render.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * Base of the GatePeer's owned objects: all live in the operator's namespace under the name {@code simgate-<gatepeer>}
 * and are built from the {@link GatePeerPlan} of the current reconcile. Owner references make Kubernetes delete them
 * with the GatePeer.
 */
abstract class AgentDependent<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, GatePeer> {
  AgentDependent(Class<R> type) {
    super(type);
  }

  abstract R build(GatePeerPlan plan);

  @Override
  protected R desired(GatePeer primary, Context<GatePeer> context) {
    return build(GatePeerPlan.of(context));
  }

  @Override
  protected ResourceID targetSecondaryResourceID(GatePeer primary, Context<GatePeer> context) {
    return new ResourceID(Labels.agentObjectName(primary.getMetadata().getName()), GatePeerPlan.of(context).namespace());
  }
}
