package dev.simgate.operator.gatepeer;

import dev.simgate.operator.render.AgentResources;
import dev.simgate.operator.render.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.AGENT_SELECTOR))
public class AgentDaemonSetDependent extends AgentDependent<DaemonSet> {
  public AgentDaemonSetDependent() {
    super(DaemonSet.class);
  }

  @Override
  DaemonSet build(GatePeerPlan plan) {
    return AgentResources.daemonSet(plan.gatePeer(), plan.namespace(), plan.spec(), plan.agentImage());
  }
}
