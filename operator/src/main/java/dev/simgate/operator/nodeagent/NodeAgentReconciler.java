package dev.simgate.operator.nodeagent;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.render.NodeAgentResources;
import dev.simgate.operator.status.Informers;
import dev.simgate.operator.status.PrunedStore;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * The node agent (one DaemonSet on every node) exists while a GatePeer does: every GatePeer → the node agent's
 * ServiceAccount, Role (exactly the node policy ConfigMaps of the current nodes), RoleBinding and DaemonSet, each owned
 * by all GatePeers, so deleting the last one removes them and the agents leave their nodes clean. Nodes joining or
 * leaving change the Role's resourceNames.
 */
@ControllerConfiguration(name = "nodeagent", fieldManager = "simgate-operator")
public class NodeAgentReconciler implements Reconciler<GatePeer> {
  static final String NODES = "node-agent-nodes";

  private final List<NodeAgentDependent<?>> dependents;

  public NodeAgentReconciler(OperatorSettings settings) {
    String namespace = settings.namespace();
    dependents = List.of(
        new NodeAgentDependent<>(ServiceAccount.class, namespace) {
          @Override
          ServiceAccount build(List<OwnerReference> owners, Context<GatePeer> context) {
            return NodeAgentResources.serviceAccount(namespace, owners);
          }
        },
        new NodeAgentDependent<>(Role.class, namespace) {
          @Override
          Role build(List<OwnerReference> owners, Context<GatePeer> context) {
            return NodeAgentResources.role(namespace, owners, Informers.named(context, Node.class, NODES).list()
                .map(n -> n.getMetadata().getName()).toList());
          }
        },
        new NodeAgentDependent<>(RoleBinding.class, namespace) {
          @Override
          RoleBinding build(List<OwnerReference> owners, Context<GatePeer> context) {
            return NodeAgentResources.roleBinding(namespace, owners);
          }
        },
        new NodeAgentDependent<>(DaemonSet.class, namespace) {
          @Override
          DaemonSet build(List<OwnerReference> owners, Context<GatePeer> context) {
            return NodeAgentResources.daemonSet(namespace, owners, settings.agentImage());
          }
        });
  }

  @Override
  public List<EventSource<?, GatePeer>> prepareEventSources(EventSourceContext<GatePeer> context) {
    // Node names only: a node joining or leaving changes the Role.
    var nodes = InformerEventSourceConfiguration.from(Node.class, GatePeer.class)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache()) // read by name or listed, never by primary
        .withName(NODES)
        .withItemStore(new PrunedStore<Node>(node -> new NodeBuilder() // its name only
            .withMetadata(PrunedStore.identity(node.getMetadata())).build()))
        .withOnUpdateFilter((next, previous) -> false)
        .withSecondaryToPrimaryMapper(node -> context.getPrimaryCache().list()
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build();
    return Stream.concat(Stream.of(new InformerEventSource<>(nodes, context)),
            dependents.stream().map(d -> d.eventSource(context).orElseThrow()))
        .<EventSource<?, GatePeer>>map(s -> s)
        .toList();
  }

  @Override
  public UpdateControl<GatePeer> reconcile(GatePeer gatePeer, Context<GatePeer> context) {
    // The RoleBinding before the DaemonSet, so that a new agent's first watch is allowed.
    dependents.forEach(d -> d.reconcile(gatePeer, context));
    return UpdateControl.noUpdate();
  }
}
