package dev.simgate.operator.gatepeer;

import dev.simgate.operator.render.AgentResources;
import dev.simgate.operator.render.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.fabric8.kubernetes.api.model.ServiceAccount;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.AGENT_SELECTOR))
public class AgentServiceAccountDependent extends AgentDependent<ServiceAccount> {
  public AgentServiceAccountDependent() {
    super(ServiceAccount.class);
  }

  @Override
  ServiceAccount build(GatePeerPlan plan) {
    return AgentResources.serviceAccount(plan.gatePeer(), plan.namespace());
  }
}
