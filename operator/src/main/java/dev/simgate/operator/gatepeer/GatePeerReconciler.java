package dev.simgate.operator.gatepeer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.GatePeerStatus;
import dev.simgate.operator.api.v1alpha1.NodeStatus;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.render.Labels;
import dev.simgate.operator.routes.ClusterRangeInformers;
import dev.simgate.operator.routes.ClusterRanges;
import dev.simgate.operator.routes.DeviceRoutes;
import dev.simgate.operator.routes.RangeLedger;
import dev.simgate.operator.status.Conditions;
import dev.simgate.operator.status.DeviceSubnetWatch;
import dev.simgate.operator.status.EventRecorder;
import dev.simgate.operator.status.Informers;
import dev.simgate.operator.status.PrunedStore;
import dev.simgate.operator.status.Pruning;
import dev.simgate.operator.status.ReconcileErrors;
import dev.simgate.operator.status.StatusPatch;
import dev.simgate.operator.validation.CrossChecks;
import dev.simgate.operator.validation.Problem;
import dev.simgate.operator.validation.Selectors;
import dev.simgate.operator.vpg.EffectiveVpg;
import dev.simgate.operator.vpg.VpgChanges;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * GatePeer: observe (VPG, nodes, the VPG's range ledger and DeviceSubnets, other GatePeers, agent pods, the cluster's
 * ranges) → validate across objects → allocate inner addresses and render → apply the owned objects → status. On a
 * cross-object error, or a rendered config over the size limit, the owned objects are left exactly as they are (the
 * workflow is not run) and the recorded node addresses are kept.
 */
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = "serviceaccount", type = AgentServiceAccountDependent.class),
    @Dependent(name = "configmap", type = AgentConfigMapDependent.class),
    @Dependent(name = "daemonset", type = AgentDaemonSetDependent.class, dependsOn = {"configmap", "serviceaccount"}),
})
@ControllerConfiguration(name = "gatepeer", fieldManager = "simgate-operator")
public class GatePeerReconciler implements Reconciler<GatePeer> {
  static final String VPGS = "vpgs";
  static final String NODES = "nodes";
  static final String DEVICE_SUBNETS = "devicesubnets";
  static final String SIBLINGS = "sibling-gatepeers";
  static final String AGENT_PODS = "agent-pods";
  static final String LEDGERS = "range-ledgers";
  private static final Logger LOG = LoggerFactory.getLogger(GatePeerReconciler.class);

  private final DeviceSubnetWatch deviceSubnets;
  private final OperatorSettings settings;
  private final Conditions conditions;
  private final EventRecorder events;
  private final ReconcileErrors errors;
  private boolean serviceCidrs;
  /** What the agents say about themselves (their /status, read by {@link AgentStatusPoller}). */
  private final AgentReports reports = new AgentReports();

  public GatePeerReconciler(OperatorSettings settings, EventRecorder events, DeviceSubnetWatch deviceSubnets) {
    this.settings = settings;
    this.deviceSubnets = deviceSubnets;
    this.conditions = new Conditions(settings.clock());
    this.events = events;
    this.errors = new ReconcileErrors(conditions, events);
  }

  @Override
  public List<EventSource<?, GatePeer>> prepareEventSources(EventSourceContext<GatePeer> context) {
    var vpgs = InformerEventSourceConfiguration.from(VirtualPrivateGateway.class, GatePeer.class)
        .withName(VPGS)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache())
        .withSecondaryToPrimaryMapper(Informers.<VirtualPrivateGateway, GatePeer>toPrimaries(context,
            vpg -> gp -> vpg.getMetadata().getName().equals(gp.getSpec().vpgRef)))
        .withOnUpdateFilter(VpgChanges.thatMatter())
        .build();
    var nodes = InformerEventSourceConfiguration.from(Node.class, GatePeer.class)
        .withName(NODES)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache())
        .withItemStore(new PrunedStore<>(Pruning::nodeEssentials))
        .withInformerListLimit(Pruning.LIST_PAGE)
        .withSecondaryToPrimaryMapper(Informers.toAllPrimaries(context))
        // kubelet heartbeats change conditions only; what matters is labels, addresses, annotations and pod ranges.
        .withOnUpdateFilter((next, previous) -> !Objects.equals(next.getMetadata().getLabels(), previous.getMetadata().getLabels())
            || !Objects.equals(next.getMetadata().getAnnotations(), previous.getMetadata().getAnnotations())
            || !Objects.equals(addresses(next), addresses(previous))
            || !ClusterRanges.podCidrs(next).equals(ClusterRanges.podCidrs(previous)))
        .build();
    // Routes come from the ledger; a DeviceSubnet matters only as the live holder of a claim, so only its creation and
    // deletion count (its edits reach the gate peers through the ledger, its status never does).
    var onVpg = Informers.<DeviceSubnet, GatePeer>toPrimaries(context,
        ds -> gp -> gp.getSpec().vpgRef.equals(ds.getSpec().vpgRef) || (ds.getStatus() != null
            && ds.getStatus().routed != null && gp.getSpec().vpgRef.equals(ds.getStatus().routed.vpgRef())));
    var subnets = deviceSubnets.<GatePeer>existence(DEVICE_SUBNETS, onVpg);
    var ledgers = InformerEventSourceConfiguration.from(ConfigMap.class, GatePeer.class)
        .withName(LEDGERS)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache())
        .withNamespaces(settings.namespace())
        .withLabelSelector(RangeLedger.SELECTOR)
        .withSecondaryToPrimaryMapper(cm -> RangeLedger.vpgOf(cm)
            .map(vpg -> context.getPrimaryCache().list(gp -> vpg.equals(gp.getSpec().vpgRef))
                .map(ResourceID::fromResource).collect(Collectors.toSet()))
            .orElse(Set.of()))
        .build();
    var siblings = InformerEventSourceConfiguration.from(GatePeer.class, GatePeer.class)
        .withName(SIBLINGS)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache())
        .withSecondaryToPrimaryMapper(Informers.<GatePeer, GatePeer>toPrimaries(context,
            other -> gp -> other.getSpec().vpgRef.equals(gp.getSpec().vpgRef)
                && !other.getMetadata().getName().equals(gp.getMetadata().getName())))
        .build();
    var pods = InformerEventSourceConfiguration.from(Pod.class, GatePeer.class)
        .withName(AGENT_PODS)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache())
        .withItemStore(new PrunedStore<>(Pruning::agentPodEssentials))
        .withInformerListLimit(Pruning.LIST_PAGE)
        .withNamespaces(settings.namespace())
        .withLabelSelector(Labels.NAME + "=" + Labels.AGENT)
        .withSecondaryToPrimaryMapper(pod -> Optional.ofNullable(pod.getMetadata().getLabels())
            .map(l -> l.get(Labels.GATE_PEER))
            .map(name -> Set.of(new ResourceID(name)))
            .orElse(Set.of()))
        .build();
    var podSource = new InformerEventSource<>(pods, context);
    var sources = new ArrayList<EventSource<?, GatePeer>>(List.of(
        new InformerEventSource<>(vpgs, context),
        new InformerEventSource<>(nodes, context),
        subnets,
        new InformerEventSource<>(ledgers, context),
        new InformerEventSource<>(siblings, context),
        podSource,
        new AgentStatusPoller(() -> podSource.list(pod -> true).toList(), reports)));
    serviceCidrs = ClusterRangeInformers.serviceCidrsServed(context.getClient());
    if (serviceCidrs) {
      sources.add(new InformerEventSource<>(ClusterRangeInformers.serviceCidrs(GatePeer.class,
          Informers.<ServiceCIDR, GatePeer>toAllPrimaries(context)), context));
    }
    return sources;
  }

  private static Object addresses(Node node) {
    return node.getStatus() == null ? null : node.getStatus().getAddresses();
  }

  @Override
  public UpdateControl<GatePeer> reconcile(GatePeer gatePeer, Context<GatePeer> context) {
    String vpgName = gatePeer.getSpec().vpgRef;
    // With spec.soracom the VPG may leave deviceSubnet, vni or peers to SORACOM: use what it has read (or wait for it).
    EffectiveVpg.Resolution resolution = Informers.named(context, VirtualPrivateGateway.class, VPGS)
        .get(new ResourceID(vpgName)).map(EffectiveVpg::resolve).orElse(null);
    Optional<String> pending = resolution == null ? Optional.empty() : resolution.pendingMessage();
    VirtualPrivateGateway vpg = resolution == null ? null : resolution.vpg();
    List<GatePeer> all = context.getPrimaryCache().list().toList();
    ClusterRanges cluster = ClusterRangeInformers.read(context, NODES, serviceCidrs, settings.clusterCidrs());
    Optional<Problem> problem = pending.isPresent() ? Optional.empty() : CrossChecks.gatePeer(gatePeer, vpg, all)
        .or(() -> settings.allowedImages().check(gatePeer.getSpec()))
        .or(() -> cluster.collision("deviceSubnet of VirtualPrivateGateway '" + vpgName + "'",
            List.of(Cidr.parse(vpg.getSpec().deviceSubnet).network())));
    GatePeerPlan plan = null;
    if (pending.isEmpty() && problem.isEmpty()) {
      GatePeerPlan planned = plan(gatePeer, vpg, all, cluster, context);
      plan = planned;
      problem = nodeLimit(planned).or(() -> sizeLimit(planned));
    }
    long generation = gatePeer.getMetadata().getGeneration();
    GatePeerStatus previous = gatePeer.getStatus() == null ? new GatePeerStatus() : gatePeer.getStatus();
    GatePeerStatus next;
    if (pending.isPresent()) {
      next = copyNodes(previous);
      next.conditions = conditions.reconciling(generation, EffectiveVpg.PENDING, pending.get(), previous.conditions);
    } else if (problem.isPresent()) {
      next = copyNodes(previous);
      next.conditions = conditions.stalled(generation, problem.get().reason(), problem.get().message(), previous.conditions);
    } else {
      context.managedWorkflowAndDependentResourceContext().put(GatePeerPlan.KEY, plan);
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow()
          .throwAggregateExceptionIfErrorsPresent();
      next = status(plan, readyNodes(gatePeer, context), generation, previous, gatePeer.getMetadata().getName());
    }
    next.observedGeneration = generation;
    events.readyChanged(gatePeer, previous.conditions, next.conditions);
    for (PeerReachability.Transition change : PeerReachability.transitions(previous.nodes, next.nodes)) {
      if (change.down()) {
        events.warning(gatePeer, "VpgPeerUnreachable", change.message());
      } else {
        events.normal(gatePeer, "VpgPeerReachable", change.message());
      }
    }
    return StatusPatch.ifChanged(gatePeer, previous, next, GatePeer::new);
  }

  @Override
  public ErrorStatusUpdateControl<GatePeer> updateErrorStatus(GatePeer gatePeer, Context<GatePeer> context, Exception e) {
    GatePeerStatus previous = gatePeer.getStatus() == null ? new GatePeerStatus() : gatePeer.getStatus();
    return errors.status(gatePeer, context, e, copyNodes(previous), GatePeer::new);
  }

  /** The status lists every selected node in one object: refuse more than it holds rather than fail on every write. */
  private Optional<Problem> nodeLimit(GatePeerPlan plan) {
    int limit = settings.limits().nodesPerGatePeer();
    if (plan.nodes().size() <= limit) {
      return Optional.empty();
    }
    return Optional.of(new Problem(Problem.TOO_MANY_NODES, "spec.nodeSelector selects " + plan.nodes().size()
        + " nodes, over the limit of " + limit + " per GatePeer (its status lists every node, and one object holds at"
        + " most 1.5 MiB): split the nodes over several GatePeers with narrower nodeSelectors"));
  }

  /** A ConfigMap holds at most 1 MiB: refuse a config that would not fit rather than fail on every write. */
  private Optional<Problem> sizeLimit(GatePeerPlan plan) {
    int bytes = plan.agentYaml().getBytes(StandardCharsets.UTF_8).length;
    int limit = settings.limits().agentConfigBytes();
    if (bytes <= limit) {
      return Optional.empty();
    }
    return Optional.of(new Problem(Problem.AGENT_CONFIG_TOO_LARGE, "the agent config would be " + bytes
        + " bytes, over the limit of " + limit + " (a ConfigMap holds at most 1 MiB): " + plan.nodes().size()
        + " selected nodes; select fewer nodes per GatePeer or route fewer CIDRs through the VPG"));
  }

  private GatePeerPlan plan(GatePeer gatePeer, VirtualPrivateGateway vpg, List<GatePeer> all, ClusterRanges cluster,
      Context<GatePeer> context) {
    String vpgName = gatePeer.getSpec().vpgRef;
    List<Node> nodes = Informers.named(context, Node.class, NODES)
        .list(n -> Selectors.matches(gatePeer.getSpec().nodeSelector, n.getMetadata().getLabels()))
        .toList();
    // What the DeviceSubnets hold in the operator's ledger (never their status, which others may write), checked again
    // at use; an invalid DeviceSubnet edit changes no claim, so nothing on the nodes.
    Set<String> liveSubnets = deviceSubnets.uids();
    ConfigMap ledger = Informers.named(context, ConfigMap.class, LEDGERS)
        .get(new ResourceID(RangeLedger.configMapName(vpgName), settings.namespace())).orElse(null);
    DeviceRoutes deviceRoutes = DeviceRoutes.of(RangeLedger.claims(ledger), liveSubnets::contains,
        Cidr.parse(vpg.getSpec().deviceSubnet).network(), cluster);
    if (!deviceRoutes.withheld().isEmpty()) {
      LOG.atDebug().addKeyValue("gatePeer", gatePeer.getMetadata().getName())
          .addKeyValue("withheld", deviceRoutes.withheld()).log("claimed ranges not routed");
    }
    List<Cidr> routes = deviceRoutes.routes();
    Set<String> reserved = all.stream()
        .filter(other -> vpgName.equals(other.getSpec().vpgRef)
            && !other.getMetadata().getName().equals(gatePeer.getMetadata().getName())
            && other.getStatus() != null)
        .flatMap(other -> other.getStatus().nodes.stream())
        .map(NodeStatus::innerAddress)
        .filter(Objects::nonNull)
        .collect(Collectors.toSet());
    return GatePeerPlanner.plan(gatePeer, settings.namespace(), settings.agentImage(), vpg, nodes, routes, reserved, claimedByOlder(gatePeer, nodes, all));
  }

  /** Selected nodes that an older GatePeer (of any VPG) also selects, with that GatePeer's name. */
  private static Map<String, String> claimedByOlder(GatePeer gatePeer, List<Node> nodes, List<GatePeer> all) {
    List<GatePeer> older = all.stream().filter(other -> CrossChecks.OLDEST_FIRST.compare(other, gatePeer) < 0).toList();
    Map<String, String> claimed = new TreeMap<>();
    for (Node node : nodes) {
      older.stream()
          .filter(other -> Selectors.matches(other.getSpec().nodeSelector, node.getMetadata().getLabels()))
          .findFirst()
          .ifPresent(other -> claimed.put(node.getMetadata().getName(), other.getMetadata().getName()));
    }
    return claimed;
  }

  /** Node name → whether the GatePeer's agent pod on that node is Ready. */
  private Map<String, Boolean> readyNodes(GatePeer gatePeer, Context<GatePeer> context) {
    String name = gatePeer.getMetadata().getName();
    return Informers.named(context, Pod.class, AGENT_PODS)
        .list(p -> name.equals(p.getMetadata().getLabels().get(Labels.GATE_PEER)) && p.getSpec().getNodeName() != null)
        .collect(Collectors.toMap(p -> p.getSpec().getNodeName(), GatePeerReconciler::isReady, (a, b) -> a || b));
  }

  private static boolean isReady(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private GatePeerStatus status(GatePeerPlan plan, Map<String, Boolean> podReady, long generation, GatePeerStatus previous,
      String name) {
    GatePeerStatus status = new GatePeerStatus();
    for (NodeStatus n : plan.nodes()) {
      boolean serving = n.message() == null;
      AgentReports.Report report = reports.get(name, n.name()).orElse(null);
      // The agent's own word is fresher than the kubelet's next readiness probe.
      boolean agentReady = report == null || report.ready();
      boolean ready = serving && podReady.getOrDefault(n.name(), false) && agentReady;
      String message = !serving ? n.message()
          : !agentReady ? "agent not ready: " + report.reason() : !ready ? "agent pod not ready" : null;
      status.nodes.add(new NodeStatus(n.name(), n.outerAddress(), n.innerAddress(), ready, message,
          serving && report != null ? PeerReachability.ofNode(report) : null));
    }
    int desired = (int) status.nodes.stream().filter(n -> !plan.claimed().containsKey(n.name())).count();
    int allocated = (int) status.nodes.stream().filter(n -> n.innerAddress() != null).count();
    int ready = (int) status.nodes.stream().filter(NodeStatus::ready).count();
    status.desiredNodes = desired;
    status.allocatedNodes = allocated;
    status.readyNodes = ready;
    if (!plan.unallocated().isEmpty()) {
      status.conditions = conditions.stalled(generation, "PoolExhausted",
          "innerAddressPool " + plan.spec().innerAddressPool + " has no free address for nodes " + plan.unallocated()
              + "; " + allocated + "/" + desired + " nodes have an inner address", previous.conditions);
    } else if (!plan.claimed().isEmpty()) {
      status.conditions = conditions.stalled(generation, "NodeConflict",
          "nodes " + plan.claimed().keySet() + " already run the agent of GatePeer "
              + new TreeSet<>(plan.claimed().values()) + "; a node serves one GatePeer only", previous.conditions);
    } else if (!plan.missingOuter().isEmpty()) {
      status.conditions = conditions.stalled(generation, "OuterAddressMissing",
          "nodes " + plan.missingOuter() + " have no usable outer address", previous.conditions);
    } else if (desired == 0) {
      status.conditions = conditions.reconciling(generation, "NoNodesSelected",
          "no node matches spec.nodeSelector", previous.conditions);
    } else if (ready < desired) {
      String why = status.nodes.stream().filter(n -> !n.ready() && n.message() != null)
          .map(n -> n.name() + ": " + n.message()).limit(3).collect(Collectors.joining("; "));
      status.conditions = conditions.reconciling(generation, "AgentsNotReady",
          ready + "/" + desired + " agents ready" + (why.isEmpty() ? "" : " (" + why + ")"), previous.conditions);
    } else {
      String degraded = PeerReachability.unreachable(status.nodes);
      status.conditions = conditions.ready(generation, "AgentsReady",
          ready + "/" + desired + " agents ready" + (degraded == null ? "" : "; " + degraded), previous.conditions);
    }
    return status;
  }

  private static GatePeerStatus copyNodes(GatePeerStatus previous) {
    GatePeerStatus status = new GatePeerStatus();
    status.nodes.addAll(previous.nodes);
    status.desiredNodes = previous.desiredNodes;
    status.allocatedNodes = previous.allocatedNodes;
    status.readyNodes = previous.readyNodes;
    return status;
  }
}
