package dev.simgate.operator.nodepolicy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicyCodec;
import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.policy.NodePolicyPlanner;
import dev.simgate.operator.policy.PolicyPods;
import dev.simgate.operator.policy.PolicySettings;
import dev.simgate.operator.policy.PolicySources;
import dev.simgate.operator.policy.PolicyView;
import dev.simgate.operator.policy.ServiceTargets;
import dev.simgate.operator.policy.SteeringLedger;
import dev.simgate.operator.policy.SteeringNodes;
import dev.simgate.operator.policy.SteeringPlan;
import dev.simgate.operator.policy.ViewCache;
import dev.simgate.operator.routes.ClusterRangeInformers;
import dev.simgate.operator.routes.ClusterRanges;
import dev.simgate.operator.status.DeviceSubnetWatch;
import dev.simgate.operator.status.Informers;
import dev.simgate.operator.status.PrunedStore;
import dev.simgate.operator.status.SharedWatch;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * One Node → its own {@link NodePolicy} document: observe (the pods on it, the range ledgers and live DeviceSubnets,
 * the GatePeers' gate nodes, the VPGs, every node's underlay address, the steering addresses, exposed Services'
 * EndpointSlices, the cluster's ranges) → give every node a steering address → plan → write the document when it
 * changed. Events reach only the nodes they can change: a pod only its own node, an EndpointSlice only the gate nodes
 * that expose its Service. What concerns every node (the node list, gate readiness, the accepted DeviceSubnets) wakes
 * one node, the {@link #planner}: it makes the cluster-wide view, writes the steering table the nodes share, and wakes
 * the nodes whose own document it changes. While no GatePeer exists there are no documents (and no node agents).
 */
@ControllerConfiguration(name = "nodepolicy", fieldManager = "simgate-operator", generationAwareEventProcessing = false,
    informer = @Informer(itemStore = SteeringNodes.class, onUpdateFilter = SteeringNodes.UpdateFilter.class))
public class NodePolicyReconciler implements Reconciler<Node> {
  static final String NODES = "policy-nodes";
  static final String STEERING = "steering-ledger";
  static final String DOCUMENTS = "node-policies";
  private static final Logger LOG = LoggerFactory.getLogger(NodePolicyReconciler.class);

  private final DeviceSubnetWatch deviceSubnets;
  private final SharedWatch<Pod> pods;
  private final OperatorSettings settings;
  private final PolicyDocuments documents;
  private final SteeringLedger steeringLedger;
  private final AtomicReference<String> steeringProblem = new AtomicReference<>();
  private final ViewCache<CachedView> views = new ViewCache<>();
  /** The planner's way to wake the nodes whose document changed ({@link #wakeChanged}). */
  private final SimpleInboundEventSource<Node> replan = new SimpleInboundEventSource<>("node-policy-replan");
  private volatile ResourceID planner;
  private boolean serviceCidrs;

  public NodePolicyReconciler(OperatorSettings settings, KubernetesClient client, DeviceSubnetWatch deviceSubnets,
      SharedWatch<Pod> pods) {
    this.settings = settings;
    this.deviceSubnets = deviceSubnets;
    this.pods = pods;
    this.documents = new PolicyDocuments(client, settings.namespace());
    this.steeringLedger = new SteeringLedger(client, settings.namespace());
  }

  @Override
  public List<EventSource<?, Node>> prepareEventSources(EventSourceContext<Node> context) {
    // What concerns every node changes the cluster-wide view: the planner makes it again, once.
    SecondaryToPrimaryMapper<Object> all = ignored -> {
      views.changed();
      return planner(context.getPrimaryCache());
    };
    var ledgers = new InformerEventSource<>(PolicySources.ledgers(Node.class, settings.namespace(), all::toPrimaryResourceIDs), context);
    var gatePeers = new InformerEventSource<>(PolicySources.gatePeers(Node.class, all::toPrimaryResourceIDs), context);
    // An exposed Service's endpoints matter to the gate nodes that expose it only.
    SecondaryToPrimaryMapper<String> exposing = key -> {
      String namespace = key.substring(0, key.indexOf('/'));
      String service = key.substring(key.indexOf('/') + 1);
      return PolicySources.gateNodesExposing(ledgers.list(), gatePeers.list(), namespace, service).stream()
          .map(ResourceID::new).collect(Collectors.toSet());
    };
    SimpleInboundEventSource<Node> podsOnNode = pods.events(PolicySources.PODS, (pod, change) ->
        pod.getSpec() == null || pod.getSpec().getNodeName() == null ? Set.of()
            : Set.of(new ResourceID(pod.getSpec().getNodeName())));
    var slices = PolicySources.withSliceIndex(new InformerEventSource<>(PolicySources.slices(Node.class,
        slice -> ServiceTargets.serviceOf(slice)
            .map(service -> exposing.toPrimaryResourceIDs(slice.getMetadata().getNamespace() + "/" + service))
            .orElse(Set.of())), context));
    var services = new InformerEventSource<>(PolicySources.services(Node.class,
        svc -> exposing.toPrimaryResourceIDs(svc.getMetadata().getNamespace() + "/" + svc.getMetadata().getName())),
        context);
    // Every node's underlay address and pod ranges (the cluster's ranges are read from this informer too).
    var nodes = InformerEventSourceConfiguration.from(Node.class, Node.class)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache()) // read by name or listed, never by primary
        .withName(NODES)
        .withItemStore(new SteeringNodes())
        .withOnUpdateFilter(SteeringNodes::changed)
        .withSecondaryToPrimaryMapper(n -> {
          views.changed();
          return planner(context.getPrimaryCache(), n.getMetadata().getName()); // a node deleted may be the planner
        })
        .build();
    var steering = InformerEventSourceConfiguration.from(ConfigMap.class, Node.class)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache()) // read by name or listed, never by primary
        .withName(STEERING)
        .withNamespaces(settings.namespace())
        .withLabelSelector(SteeringLedger.SELECTOR)
        .withOnUpdateFilter((next, previous) -> !SteeringLedger.addresses(next).equals(SteeringLedger.addresses(previous)))
        .withSecondaryToPrimaryMapper(all::toPrimaryResourceIDs)
        .build();
    // The documents themselves: one edited or deleted by someone else is written again.
    var written = InformerEventSourceConfiguration.from(ConfigMap.class, Node.class)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache()) // read by name or listed, never by primary
        .withName(DOCUMENTS)
        .withNamespaces(settings.namespace())
        .withLabelSelector(PolicyDocuments.SELECTOR)
        .withItemStore(new PrunedStore<>(PolicyDocuments::digestOnly))
        // A node's document wakes its node; the table, the planner (which writes it).
        .withSecondaryToPrimaryMapper(cm -> PolicyDocuments.nodeOf(cm).map(n -> Set.of(new ResourceID(n)))
            .orElseGet(() -> planner(context.getPrimaryCache())))
        .build();
    List<EventSource<?, Node>> sources = new ArrayList<>(List.of(
        podsOnNode, ledgers, gatePeers, slices, services,
        new InformerEventSource<>(PolicySources.vpgs(Node.class, all::toPrimaryResourceIDs), context),
        PolicySources.deviceSubnets(deviceSubnets, all::toPrimaryResourceIDs),
        new InformerEventSource<>(nodes, context),
        new InformerEventSource<>(steering, context),
        new InformerEventSource<>(written, context),
        replan));
    serviceCidrs = ClusterRangeInformers.serviceCidrsServed(context.getClient());
    if (serviceCidrs) {
      sources.add(new InformerEventSource<>(ClusterRangeInformers.serviceCidrs(Node.class,
          (ServiceCIDR s) -> all.toPrimaryResourceIDs(s)), context));
    }
    return sources;
  }

  @Override
  public UpdateControl<Node> reconcile(Node node, Context<Node> context) {
    String name = node.getMetadata().getName();
    var written = Informers.named(context, ConfigMap.class, DOCUMENTS);
    ConfigMap cached = written.get(new ResourceID(NodePolicy.configMapName(name), settings.namespace())).orElse(null);
    ConfigMap cachedTable = written.get(new ResourceID(NodePolicy.TABLE_CONFIG_MAP, settings.namespace())).orElse(null);
    if (Informers.named(context, GatePeer.class, PolicySources.GATE_PEERS).list().findAny().isEmpty()) {
      // no GatePeer, no node agents: nothing to tell the nodes. The last GatePeer's going wakes the planner alone,
      // which wakes the nodes that still have a document.
      documents.delete(NodePolicy.configMapName(name), cached);
      documents.delete(NodePolicy.TABLE_CONFIG_MAP, cachedTable);
      if (planner(context.getPrimaryCache()).contains(ResourceID.fromResource(node))) {
        written.list().map(PolicyDocuments::nodeOf).flatMap(Optional::stream).filter(n -> !n.equals(name))
            .forEach(n -> replan.propagateEvent(new ResourceID(n)));
      }
      return UpdateControl.noUpdate();
    }
    Set<ResourceID> planner = planner(context.getPrimaryCache());
    if (planner.contains(ResourceID.fromResource(node))) {
      CachedView fresh = views.get(() -> makeView(context));
      if (fresh == null) {
        return UpdateControl.<Node>noUpdate().rescheduleAfter(ViewCache.INTERVAL); // a fresh view is due by then
      }
      if (fresh.view().steering().problem() == null) {
        documents.applyTable(fresh.table(), cachedTable);
      }
      wakeChanged(context, fresh, name);
    }
    CachedView latest = views.latest();
    if (latest == null) {
      planner.forEach(replan::propagateEvent); // the planner makes the first view, then wakes every node
      return UpdateControl.noUpdate();
    }
    if (!latest.nodes().contains(name)) {
      // A view made before this node came has no steering address for it: the node's arrival changed the view, and
      // the planner wakes the node once the next one has it (one write of its document, not two).
      return UpdateControl.noUpdate();
    }
    documents.apply(node, NodePolicyCodec.write(ownDocument(context, name, latest.view())), cached);
    return UpdateControl.noUpdate();
  }

  /**
   * The node that plans for all: what concerns every node (the cluster-wide view, the steering table) wakes it alone,
   * and it wakes the nodes whose own document changes. A change to a thousand nodes' view is then one view, one table
   * and the documents that differ, not a thousand reconciles each making the view. Any node will do, as long as it
   * stays the same while it exists (the first by name once it goes); two threads choosing at once may both plan once.
   */
  private Set<ResourceID> planner(IndexedResourceCache<Node> nodes) {
    return planner(nodes, null);
  }

  /** @param leaving a node that may be going (its event may come before the primary cache forgets it), or null */
  private Set<ResourceID> planner(IndexedResourceCache<Node> nodes, String leaving) {
    ResourceID chosen = planner;
    if (chosen == null || nodes.get(chosen).isEmpty() || chosen.getName().equals(leaving)) {
      chosen = nodes.list().map(n -> n.getMetadata().getName()).filter(n -> !n.equals(leaving))
          .min(Comparator.naturalOrder()).map(ResourceID::new).orElse(null);
      planner = chosen;
    }
    return chosen == null ? Set.of() : Set.of(chosen);
  }

  /**
   * Wakes every other node whose own document differs under {@code fresh} from the one written; not the nodes the view
   * was made without, which would not write from it (the view that has them wakes them).
   */
  private void wakeChanged(Context<Node> context, CachedView fresh, String planner) {
    var written = Informers.named(context, ConfigMap.class, DOCUMENTS);
    PolicyView view = fresh.view();
    context.getPrimaryCache().list().map(n -> n.getMetadata().getName())
        .filter(n -> !n.equals(planner) && fresh.nodes().contains(n))
        .filter(n -> documents.differs(NodePolicy.configMapName(n), NodePolicyCodec.write(ownDocument(context, n, view)),
            written.get(new ResourceID(NodePolicy.configMapName(n), settings.namespace())).orElse(null)))
        .forEach(n -> replan.propagateEvent(new ResourceID(n)));
  }

  private NodePolicy ownDocument(Context<Node> context, String node, PolicyView view) {
    return NodePolicyPlanner.plan(node, PolicySources.podAddresses(pods, PolicyPods.BY_NODE, node), view);
  }

  /** The cluster-wide view and the steering table made of it, the same for every node. */
  private CachedView makeView(Context<Node> context) {
    ClusterRanges cluster = ClusterRangeInformers.read(context, NODES, serviceCidrs, settings.clusterCidrs());
    List<Node> nodes = Informers.named(context, Node.class, NODES).list().toList();
    PolicyView fresh = PolicySources.view(context, deviceSubnets, cluster,
        (vpgSubnets, gateNodes) -> steering(context, nodes, gateNodes, cluster, vpgSubnets));
    return new CachedView(fresh, PolicyDocuments.Table.of(fresh.steering().members(), NodePolicyPlanner.routes(fresh)),
        nodes.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toUnmodifiableSet()));
  }

  /** @param nodes the nodes the view was made with */
  private record CachedView(PolicyView view, PolicyDocuments.Table table, Set<String> nodes) {}

  /** The steering plan, after giving every node with an underlay address a steering address. */
  private SteeringPlan steering(Context<Node> context, List<Node> nodes, Set<String> gateNodes, ClusterRanges cluster,
      Map<String, Cidr> vpgSubnets) {
    PolicySettings policy = settings.policy();
    Optional<String> problem = SteeringPlan.poolProblem(policy.steeringPool(), cluster, vpgSubnets);
    reportSteering(problem.orElse(null));
    if (problem.isPresent()) {
      return new SteeringPlan(policy, List.of(), problem.get());
    }
    Set<String> members = nodes.stream().filter(n -> SteeringPlan.underlay(n, policy).isPresent())
        .map(n -> n.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
    ConfigMap ledger = Informers.named(context, ConfigMap.class, STEERING)
        .get(new ResourceID(SteeringLedger.NAME, settings.namespace())).orElse(null);
    Map<String, Ipv4> addresses = steeringLedger.ensure(ledger, policy.steeringPool(), members);
    return SteeringPlan.of(policy, nodes, addresses, gateNodes, cluster, vpgSubnets);
  }

  /** Logs when steering stops or starts working (not once per node). */
  private void reportSteering(String problem) {
    String before = steeringProblem.getAndSet(problem);
    if (!Objects.equals(before, problem)) {
      if (problem != null) {
        LOG.atWarn().addKeyValue("problem", problem)
            .log("no steering: pods on nodes without a gate agent cannot reach SIMs (operator option --steering-pool)");
      } else if (before != null) {
        LOG.info("steering pool usable again");
      }
    }
  }
}
