package dev.simgate.operator.gatepeer;

import dev.simgate.operator.render.AgentResources;
import dev.simgate.operator.render.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.fabric8.kubernetes.api.model.ConfigMap;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.AGENT_SELECTOR))
public class AgentConfigMapDependent extends AgentDependent<ConfigMap> {
  public AgentConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  ConfigMap build(GatePeerPlan plan) {
    return AgentResources.configMap(plan.gatePeer(), plan.namespace(), plan.agentYaml());
  }
}
