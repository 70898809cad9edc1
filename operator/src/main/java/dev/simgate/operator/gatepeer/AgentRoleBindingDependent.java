package dev.simgate.operator.gatepeer;

import dev.simgate.operator.render.AgentResources;
import dev.simgate.operator.render.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class AgentRoleBindingDependent extends AgentDependent<RoleBinding> {
  public AgentRoleBindingDependent() {
    super(RoleBinding.class);
  }

  @Override
  RoleBinding build(GatePeerPlan plan) {
    return AgentResources.roleBinding(plan.gatePeer(), plan.namespace());
  }
}
