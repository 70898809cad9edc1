package dev.simgate.operator.gatepeer;

import dev.simgate.operator.render.AgentResources;
import dev.simgate.operator.render.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.fabric8.kubernetes.api.model.rbac.Role;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class AgentRoleDependent extends AgentDependent<Role> {
  public AgentRoleDependent() {
    super(Role.class);
  }

  @Override
  Role build(GatePeerPlan plan) {
    return AgentResources.role(plan.gatePeer(), plan.namespace());
  }
}
