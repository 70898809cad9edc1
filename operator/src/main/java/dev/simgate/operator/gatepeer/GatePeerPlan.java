package dev.simgate.operator.gatepeer;

import java.util.List;
import java.util.Map;

import dev.simgate.operator.api.v1alpha1.GatePeerSpec;
import dev.simgate.operator.api.v1alpha1.NodeStatus;
import dev.simgate.operator.render.AgentImage;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * What one GatePeer should look like: the rendered agent config and one entry per selected node. Computed once per
 * reconcile and handed to the dependent resources through the workflow context.
 *
 * @param agentImage the operator's default agent image, for a GatePeer that names none
 * @param nodes selected nodes; ready is false here, the reconciler fills it in from the agent pods
 * @param unallocated nodes left without an inner address because the pool is exhausted
 * @param missingOuter nodes without a usable outer address
 * @param claimed nodes left out because an older GatePeer runs its agent there, with that GatePeer's name
 */
public record GatePeerPlan(String gatePeer, String namespace, AgentImage agentImage, GatePeerSpec spec, String agentYaml,
    List<NodeStatus> nodes, List<String> unallocated, List<String> missingOuter, Map<String, String> claimed) {
  static final String KEY = "simgate.gatePeerPlan";

  static GatePeerPlan of(Context<?> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, GatePeerPlan.class);
  }
}
