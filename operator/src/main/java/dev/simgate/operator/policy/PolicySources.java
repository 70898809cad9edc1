package dev.simgate.operator.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.NodeStatus;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.render.DeviceResources;
import dev.simgate.operator.routes.ClusterRanges;
import dev.simgate.operator.routes.RangeClaims;
import dev.simgate.operator.routes.RangeLedger;
import dev.simgate.operator.status.DeviceSubnetWatch;
import dev.simgate.operator.status.Informers;
import dev.simgate.operator.status.SharedWatch;
import dev.simgate.operator.vpg.EffectiveVpg;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * The informers both policy controllers read ({@code NodePolicyReconciler}, {@code DeviceSubnetAccessReconciler}),
 * under the same names, each with the controller's own mappers; and the {@link PolicyView} read from their caches.
 * Pods, Services and EndpointSlices are many: their caches keep only the fields the policies read.
 */
public final class PolicySources {
  public static final String PODS = "policy-pods";
  public static final String LEDGERS = "policy-range-ledgers";
  public static final String GATE_PEERS = "policy-gatepeers";
  public static final String VPGS = "policy-vpgs";
  public static final String DEVICE_SUBNETS = "policy-devicesubnets";
  public static final String SERVICES = "policy-services";
  public static final String SLICES = "policy-endpointslices";
  /** Index of the EndpointSlice informers: {@code <namespace>/<service>}. */
  public static final String BY_SERVICE = "service";

  private PolicySources() {}

  public static <P extends HasMetadata> InformerEventSourceConfiguration<ConfigMap> ledgers(Class<P> primary,
      String namespace, SecondaryToPrimaryMapper<ConfigMap> mapper) {
    return InformerEventSourceConfiguration.from(ConfigMap.class, primary)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache()) // read by name or listed, never by primary
        .withName(LEDGERS)
        .withNamespaces(namespace)
        .withLabelSelector(RangeLedger.SELECTOR)
        .withSecondaryToPrimaryMapper(mapper)
        .build();
  }

  /** GatePeers, as far as their VPG and gate nodes go (inner addresses, readiness). */
  public static <P extends HasMetadata> InformerEventSourceConfiguration<GatePeer> gatePeers(Class<P> primary,
      SecondaryToPrimaryMapper<GatePeer> mapper) {
    return InformerEventSourceConfiguration.from(GatePeer.class, primary)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache()) // read by name or listed, never by primary
        .withName(GATE_PEERS)
        .withOnUpdateFilter((next, previous) -> !Objects.equals(next.getSpec().vpgRef, previous.getSpec().vpgRef)
            || !Objects.equals(GateNode.of(List.of(next)), GateNode.of(List.of(previous))))
        .withSecondaryToPrimaryMapper(mapper)
        .build();
  }

  public static <P extends HasMetadata> InformerEventSourceConfiguration<VirtualPrivateGateway> vpgs(Class<P> primary,
      SecondaryToPrimaryMapper<VirtualPrivateGateway> mapper) {
    return InformerEventSourceConfiguration.from(VirtualPrivateGateway.class, primary)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache()) // read by name or listed, never by primary
        .withName(VPGS)
        .withOnUpdateFilter((next, previous) -> !Objects.equals(deviceSubnet(next), deviceSubnet(previous)))
        .withSecondaryToPrimaryMapper(mapper)
        .build();
  }

  /** DeviceSubnets as far as they exist (a claim counts only while its DeviceSubnet does): creation and deletion. */
  public static <P extends HasMetadata> EventSource<?, P> deviceSubnets(DeviceSubnetWatch watch,
      SecondaryToPrimaryMapper<DeviceSubnet> mapper) {
    return watch.existence(DEVICE_SUBNETS, mapper);
  }

  public static <P extends HasMetadata> InformerEventSourceConfiguration<Service> services(Class<P> primary,
      SecondaryToPrimaryMapper<Service> mapper) {
    return InformerEventSourceConfiguration.from(Service.class, primary)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache()) // read by name or listed, never by primary
        .withName(SERVICES)
        .withItemStore(new ServiceTargets.TrimmedServices())
        .withOnUpdateFilter((next, previous) -> !Objects.equals(next.getSpec().getPorts(), previous.getSpec().getPorts()))
        .withSecondaryToPrimaryMapper(mapper)
        .build();
  }

  public static <P extends HasMetadata> InformerEventSourceConfiguration<EndpointSlice> slices(Class<P> primary,
      SecondaryToPrimaryMapper<EndpointSlice> mapper) {
    return InformerEventSourceConfiguration.from(EndpointSlice.class, primary)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache()) // read by name or listed, never by primary
        .withName(SLICES)
        // Not the DeviceSubnets' own slices (their devices, up to 100,000): SIMs are never exposed to SIMs.
        .withLabelSelector(DeviceResources.SLICE_MANAGED_BY + "!=" + DeviceResources.SLICE_MANAGER)
        .withItemStore(new ServiceTargets.TrimmedSlices())
        .withSecondaryToPrimaryMapper(mapper)
        .build();
  }

  /** The EndpointSlice informer with its index by Service. */
  public static <P extends HasMetadata> InformerEventSource<EndpointSlice, P> withSliceIndex(
      InformerEventSource<EndpointSlice, P> slices) {
    slices.addIndexers(Map.of(BY_SERVICE, slice -> ServiceTargets.serviceOf(slice)
        .map(service -> List.of(slice.getMetadata().getNamespace() + "/" + service)).orElse(List.of())));
    return slices;
  }

  /**
   * A VPG's device subnet as a network (its spec's, or the one read from SORACOM when the spec leaves it to SORACOM),
   * or null when it has none yet.
   */
  public static Cidr deviceSubnet(VirtualPrivateGateway vpg) {
    VirtualPrivateGateway effective = vpg == null ? null : EffectiveVpg.resolveDeviceSubnet(vpg).vpg();
    if (effective == null || effective.getSpec().deviceSubnet == null) {
      return null;
    }
    Cidr cidr = Cidr.parseOrNull(effective.getSpec().deviceSubnet);
    return cidr == null ? null : cidr.network();
  }

  /** Every VPG's device subnet, by name. */
  public static <P extends HasMetadata> Map<String, Cidr> vpgSubnets(Context<P> context) {
    Map<String, Cidr> subnets = new TreeMap<>();
    Informers.named(context, VirtualPrivateGateway.class, VPGS).list()
        .forEach(vpg -> Optional.ofNullable(deviceSubnet(vpg)).ifPresent(c -> subnets.put(vpg.getMetadata().getName(), c)));
    return subnets;
  }

  /** Makes the steering plan of a view from every VPG's device subnet and the names of the gate nodes. */
  @FunctionalInterface
  public interface SteeringFactory {
    SteeringPlan plan(Map<String, Cidr> vpgSubnets, Set<String> gateNodes);
  }

  /**
   * The view of the node policies from the caches.
   *
   * @param steering the steering members and problem; {@link #steeringProblemOnly} where members do not matter
   */
  public static <P extends HasMetadata> PolicyView view(Context<P> context, DeviceSubnetWatch deviceSubnets,
      ClusterRanges cluster, SteeringFactory steering) {
    Map<String, Cidr> vpgSubnets = vpgSubnets(context);
    Set<String> live = deviceSubnets.uids();
    List<AcceptedSubnet> subnets = AcceptedSubnet.of(Informers.named(context, ConfigMap.class, LEDGERS).list(),
        live::contains, vpgSubnets::get, cluster);
    List<GateNode> gates = GateNode.of(Informers.named(context, GatePeer.class, GATE_PEERS).list().toList());
    var services = Informers.named(context, Service.class, SERVICES);
    var slices = Informers.named(context, EndpointSlice.class, SLICES);
    PolicyView.ExposureTargets targets = (namespace, exposure) -> ServiceTargets.resolve(exposure,
        services.get(new ResourceID(exposure.service(), namespace)).orElse(null),
        slices.byIndex(BY_SERVICE, namespace + "/" + exposure.service()));
    Set<String> gateNodes = gates.stream().map(GateNode::node).collect(Collectors.toSet());
    return new PolicyView(subnets, gates, steering.plan(vpgSubnets, gateNodes), targets);
  }

  /** A steering plan without members, for a view that needs only to know whether steering works at all. */
  public static SteeringFactory steeringProblemOnly(PolicySettings settings, ClusterRanges cluster) {
    return (vpgSubnets, gateNodes) -> new SteeringPlan(settings, List.of(),
        SteeringPlan.poolProblem(settings.steeringPool(), cluster, vpgSubnets).orElse(null));
  }

  /** Pods that may be given access, from an index of the pod watch. */
  public static List<PolicyPods.PodAddress> podAddresses(SharedWatch<Pod> pods, String index, String key) {
    return pods.byIndex(index, key).stream()
        .map(PolicyPods::of).flatMap(Optional::stream).toList();
  }

  /** Gate node names of the VPGs whose accepted DeviceSubnets in {@code namespace} expose {@code service}. */
  public static Set<String> gateNodesExposing(Stream<ConfigMap> ledgers, Stream<GatePeer> gatePeers, String namespace,
      String service) {
    Set<String> vpgs = ledgers.filter(cm -> RangeLedger.claims(cm).claims().values().stream()
            .anyMatch(claim -> exposes(claim, namespace, service)))
        .map(RangeLedger::vpgOf).flatMap(Optional::stream).collect(Collectors.toSet());
    return gatePeers.filter(gp -> gp.getStatus() != null && vpgs.contains(gp.getSpec().vpgRef))
        .flatMap(gp -> gp.getStatus().nodes.stream()).map(NodeStatus::name).collect(Collectors.toSet());
  }

  private static boolean exposes(RangeClaims.Claim claim, String namespace, String service) {
    return claim.holder().startsWith(namespace + "/")
        && claim.terms().exposures().stream().anyMatch(e -> e.service().equals(service));
  }
}
