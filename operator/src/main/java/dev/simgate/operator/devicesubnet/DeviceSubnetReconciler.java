package dev.simgate.operator.devicesubnet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetStatus;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.SimDevice;
import dev.simgate.operator.api.v1alpha1.SoracomSimsStatus;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.routes.ClusterRangeInformers;
import dev.simgate.operator.routes.ClusterRanges;
import dev.simgate.operator.routes.RangeLedger;
import dev.simgate.operator.status.Conditions;
import dev.simgate.operator.status.DeviceSubnetWatch;
import dev.simgate.operator.status.EventRecorder;
import dev.simgate.operator.status.Informers;
import dev.simgate.operator.status.ReconcileErrors;
import dev.simgate.operator.status.StatusPatch;
import dev.simgate.operator.validation.CrossChecks;
import dev.simgate.operator.validation.DeviceChecks;
import dev.simgate.operator.validation.Problem;
import dev.simgate.operator.validation.Selectors;
import dev.simgate.operator.vpg.EffectiveVpg;
import dev.simgate.operator.vpg.VpgChanges;
import dev.simgate.operator.vpg.SoracomVerdict;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
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
 * DeviceSubnet: observe (VPG, namespace, GatePeer pools, the cluster's ranges, the VPG's range ledger) → validate →
 * claim its CIDRs in the ledger, with its podSelector and exposedServices → publish its devices (the DeviceSubnet's
 * headless Service and packed EndpointSlices; with spec.perDeviceServices also a Service + EndpointSlice per device)
 * → status. On a cross-object error nothing is claimed or published anew; what it holds stays, except on a VPG that no
 * longer admits its namespace, which takes its routes away at once. A reconcile touches only this DeviceSubnet's
 * objects (and its VPG's ledger when its claim changes): siblings are woken only when they wait for a range (see
 * {@link Waiting}).
 */
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = "service", type = DeviceSubnetServiceDependent.class),
    @Dependent(name = "slices", type = DeviceSliceDependent.class, dependsOn = "service"),
    // Per-device names where asked for; where not (and for the objects of SimGate 0.1), JOSDK deletes them, after the
    // DeviceSubnet's own names are in place.
    @Dependent(name = "services", type = DeviceServiceDependent.class, dependsOn = "slices",
        reconcilePrecondition = PerDeviceServicesWanted.class),
    @Dependent(name = "endpointslices", type = DeviceEndpointSliceDependent.class, dependsOn = "services",
        reconcilePrecondition = PerDeviceServicesWanted.class),
})
@ControllerConfiguration(name = "devicesubnet", fieldManager = "simgate-operator")
public class DeviceSubnetReconciler implements Reconciler<DeviceSubnet> {
  static final String VPGS = "vpgs";
  static final String NAMESPACES = "namespaces";
  static final String GATE_PEERS = "gatepeers";
  static final String DELETED_SIBLINGS = "deleted-devicesubnets";
  static final String LEDGERS = "range-ledgers";
  static final Duration SERVICE_NAME_RECHECK = Duration.ofSeconds(15);

  public static final String SORACOM_SYNCED = "SoracomSynced";

  private final DeviceSubnetWatch deviceSubnets;
  private final OperatorSettings settings;
  private final Conditions conditions;
  private final EventRecorder events;
  private final ReconcileErrors errors;
  private final RangeLedger ledger;
  private final RecentlyDeleted deleted = new RecentlyDeleted();
  private final SoracomSimSync soracom;
  private boolean serviceCidrs;

  public DeviceSubnetReconciler(OperatorSettings settings, EventRecorder events, RangeLedger ledger,
      SoracomSimSync soracom, DeviceSubnetWatch deviceSubnets) {
    this.settings = settings;
    this.deviceSubnets = deviceSubnets;
    this.conditions = new Conditions(settings.clock());
    this.events = events;
    this.errors = new ReconcileErrors(conditions, events);
    this.ledger = ledger;
    this.soracom = soracom;
  }

  @Override
  public List<EventSource<?, DeviceSubnet>> prepareEventSources(EventSourceContext<DeviceSubnet> context) {
    var vpgs = InformerEventSourceConfiguration.from(VirtualPrivateGateway.class, DeviceSubnet.class)
        .withName(VPGS)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache())
        .withSecondaryToPrimaryMapper(Informers.<VirtualPrivateGateway, DeviceSubnet>toPrimaries(context,
            vpg -> ds -> vpg.getMetadata().getName().equals(ds.getSpec().vpgRef)))
        .withOnUpdateFilter(VpgChanges.thatMatter())
        .build();
    var namespaces = InformerEventSourceConfiguration.from(Namespace.class, DeviceSubnet.class)
        .withName(NAMESPACES)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache())
        .withSecondaryToPrimaryMapper(Informers.<Namespace, DeviceSubnet>toPrimaries(context,
            ns -> ds -> ns.getMetadata().getName().equals(ds.getMetadata().getNamespace())))
        .withOnUpdateFilter((next, previous) -> !Objects.equals(next.getMetadata().getLabels(), previous.getMetadata().getLabels()))
        .build();
    var gatePeers = InformerEventSourceConfiguration.from(GatePeer.class, DeviceSubnet.class)
        .withName(GATE_PEERS)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache())
        .withSecondaryToPrimaryMapper(Informers.<GatePeer, DeviceSubnet>toPrimaries(context,
            gp -> ds -> gp.getSpec().vpgRef.equals(ds.getSpec().vpgRef)))
        .withOnUpdateFilter((next, previous) -> !Objects.equals(next.getSpec().innerAddressPool, previous.getSpec().innerAddressPool)
            || !Objects.equals(next.getSpec().vpgRef, previous.getSpec().vpgRef))
        .build();
    // A range is freed by a ledger write (an edit) or by its holder's deletion (which writes nothing): either wakes
    // only the DeviceSubnets waiting for a range of that VPG, not every DeviceSubnet on it.
    var ledgers = InformerEventSourceConfiguration.from(ConfigMap.class, DeviceSubnet.class)
        .withName(LEDGERS)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache())
        .withNamespaces(settings.namespace())
        .withLabelSelector(RangeLedger.SELECTOR)
        .withSecondaryToPrimaryMapper(cm -> RangeLedger.vpgOf(cm).map(vpg -> Waiting.on(context, vpg)).orElse(Set.of()))
        .build();
    var deletions = deviceSubnets.<DeviceSubnet>events(DELETED_SIBLINGS, (ds, change) -> {
      if (change != DeviceSubnetWatch.Change.DELETED) {
        return Set.of();
      }
      // Noted before the waiters run: they must not count it as a live holder (the primary cache may lag).
      deleted.add(uid(ds));
      return Waiting.on(context, ds.getSpec().vpgRef);
    });
    var podRanges = ClusterRangeInformers.podRanges(DeviceSubnet.class,
        node -> Waiting.onClusterRanges(context, ClusterRanges.podCidrs(node)));
    serviceCidrs = ClusterRangeInformers.serviceCidrsServed(context.getClient());
    var sources = new ArrayList<EventSource<?, DeviceSubnet>>(List.of(
        new InformerEventSource<>(vpgs, context),
        new InformerEventSource<>(namespaces, context),
        new InformerEventSource<>(gatePeers, context),
        new InformerEventSource<>(ledgers, context),
        deletions,
        new InformerEventSource<>(podRanges, context)));
    if (serviceCidrs) {
      sources.add(new InformerEventSource<>(ClusterRangeInformers.serviceCidrs(DeviceSubnet.class,
          (ServiceCIDR s) -> Waiting.onClusterRanges(context, ClusterRanges.serviceCidrs(s))), context));
    }
    return sources;
  }

  @Override
  public UpdateControl<DeviceSubnet> reconcile(DeviceSubnet subnet, Context<DeviceSubnet> context) {
    String vpgName = subnet.getSpec().vpgRef;
    // With spec.soracom the VPG may leave deviceSubnet to SORACOM: use what it has read (or wait for it).
    EffectiveVpg.Resolution resolution = Informers.named(context, VirtualPrivateGateway.class, VPGS)
        .get(new ResourceID(vpgName)).map(EffectiveVpg::resolveDeviceSubnet).orElse(null);
    Optional<String> pending = resolution == null ? Optional.empty() : resolution.pendingMessage();
    VirtualPrivateGateway vpg = resolution == null ? null : resolution.vpg();
    Map<String, String> namespaceLabels = namespaceLabels(subnet, context);
    List<GatePeer> gatePeers = Informers.named(context, GatePeer.class, GATE_PEERS).list().toList();
    ClusterRanges cluster = ClusterRangeInformers.read(context, ClusterRangeInformers.POD_RANGES, serviceCidrs,
        settings.clusterCidrs());
    HeldRanges held = HeldRanges.of(uid(subnet), Informers.named(context, ConfigMap.class, LEDGERS).list());

    Optional<Problem> problem = pending.isPresent() ? Optional.empty()
        : CrossChecks.deviceSubnet(subnet, vpg, namespaceLabels, gatePeers)
            .or(() -> DeviceChecks.devices(subnet.getSpec().devices, cidrs(subnet)))
            .or(() -> cluster.collision("spec.cidrs:", cidrs(subnet)));
    // What to publish: spec.devices and, with spec.soracom, the SIMs read (or last read) from SORACOM. Their names must
    // be free before anything is claimed or written.
    SoracomSimSync.Outcome sims = null;
    List<PublishedDevice> devices = List.of();
    if (pending.isEmpty() && problem.isEmpty()) {
      if (subnet.getSpec().soracom != null) {
        sims = soracom.refresh(subnet, vpg);
      } else {
        soracom.forget(subnet.getMetadata().getUid());
      }
      devices = published(subnet, sims == null ? null : sims.status());
      problem = ServiceNames.check(subnet, devices, context);
    }
    if (pending.isEmpty() && problem.isEmpty()) {
      problem = claim(subnet, vpg, held, context);
      if (problem.isEmpty()) {
        held = held.onlyOn(vpgName, cidrs(subnet));
      }
    }
    // Routes go at once where the namespace lost its permission, valid spec or not.
    held = releaseWhereNotAdmitted(subnet, namespaceLabels, held, context);

    long generation = subnet.getMetadata().getGeneration();
    DeviceSubnetStatus previous = subnet.getStatus() == null ? new DeviceSubnetStatus() : subnet.getStatus();
    DeviceSubnetStatus next = new DeviceSubnetStatus();
    if (pending.isPresent() || problem.isPresent()) {
      next.devices = previous.devices;
      // A refresh that happened (the check after it failed) is kept: the sync's schedule counts it as done.
      next.soracom = sims != null ? sims.status() : previous.soracom;
      next.conditions = pending.isPresent()
          ? conditions.reconciling(generation, EffectiveVpg.PENDING, pending.get(), previous.conditions)
          : conditions.stalled(generation, problem.get().reason(), problem.get().message(), previous.conditions);
    } else {
      next.soracom = sims == null ? null : sims.status();
      var workflow = context.managedWorkflowAndDependentResourceContext();
      workflow.put(PublishedDevice.KEY, devices);
      workflow.put(DeviceSlices.CAPACITY, settings.limits().endpointsPerSlice());
      workflow.reconcileManagedWorkflow().throwAggregateExceptionIfErrorsPresent();
      DeviceSlices.deleteStale(context);
      next.devices = devices.size();
      SoracomVerdict verdict = sims == null ? SoracomVerdict.ok() : sims.verdict();
      String published = published(subnet, devices.size()) + (sims == null ? ""
          : " (" + (devices.size() - subnet.getSpec().devices.size()) + " SIMs from SORACOM; "
              + Objects.requireNonNullElse(next.soracom.rejectedCount, 0) + " not published, see status.soracom.rejected)");
      next.conditions = new ArrayList<>(switch (verdict.kind()) {
        case STALLED -> conditions.stalled(generation, verdict.reason(), verdict.message(), previous.conditions);
        case RECONCILING -> conditions.reconciling(generation, verdict.reason(), verdict.message(), previous.conditions);
        case OK -> conditions.ready(generation, "DevicesPublished", published, previous.conditions);
      });
      if (sims != null) {
        next.conditions.add(conditions.extra(SORACOM_SYNCED, sims.synced(), sims.syncReason(), sims.syncMessage(),
            generation, previous.conditions));
      }
    }
    next.routed = held.routed(vpgName);
    next.observedGeneration = generation;
    events.readyChanged(subnet, previous.conditions, next.conditions);
    // status.access and status.exposedServices are the access controller's (DeviceSubnetAccessReconciler).
    UpdateControl<DeviceSubnet> control = StatusPatch.ifChanged(subnet, previous.withoutAccess(), next,
        DeviceSubnet::new);
    // Someone else's Service going away is no event this operator watches for: look again in a while.
    if (problem.filter(p -> p.reason().equals(Problem.SERVICE_NAME_TAKEN)).isPresent()) {
      return control.rescheduleAfter(SERVICE_NAME_RECHECK);
    }
    return sims == null ? control : control.rescheduleAfter(sims.requeue());
  }

  /** Says under which names the devices resolve. */
  private static String published(DeviceSubnet subnet, int devices) {
    String domain = subnet.getMetadata().getName() + "." + subnet.getMetadata().getNamespace() + ".svc";
    return devices + " devices published as <device>." + domain
        + (subnet.getSpec().wantsPerDeviceServices() ? " and <device>." + subnet.getMetadata().getNamespace() + ".svc"
            : "");
  }

  /** spec.devices, then the SIMs from SORACOM that are still valid under the current spec. */
  private static List<PublishedDevice> published(DeviceSubnet subnet, SoracomSimsStatus sims) {
    List<PublishedDevice> devices = new ArrayList<>();
    subnet.getSpec().devices.forEach(d -> devices.add(new PublishedDevice(d, true)));
    if (sims != null) {
      for (SimDevice sim : SimDevicePlanner.stillValid(sims.devices, cidrs(subnet), subnet.getSpec().devices)) {
        Device device = new Device(sim.name(), sim.address());
        device.imsi = sim.imsi();
        devices.add(new PublishedDevice(device, sim.resolvable()));
      }
    }
    return devices;
  }

  /** Takes the CIDRs in the VPG's ledger, and lets go of what it held on any other VPG. */
  private Optional<Problem> claim(DeviceSubnet subnet, VirtualPrivateGateway vpg, HeldRanges held,
      Context<DeviceSubnet> context) {
    String uid = uid(subnet);
    String vpgName = vpg.getMetadata().getName();
    Set<String> live = context.getPrimaryCache().list().map(DeviceSubnetReconciler::uid)
        .filter(other -> !deleted.contains(other)).collect(Collectors.toSet());
    Optional<Problem> problem = ledger.update(vpgName, vpg, held.ledger(vpgName), claims -> claims.claim(uid,
        holder(subnet), cidrs(subnet), ClaimTerms.of(subnet), live::contains, settings.limits().routesPerVpg(), vpgName,
        settings.clock().instant()));
    if (problem.isEmpty()) {
      held.holding().forEach((other, cm) -> {
        if (!other.equals(vpgName)) {
          ledger.update(other, null, cm, claims -> claims.releasing(uid));
        }
      });
    }
    return problem;
  }

  private HeldRanges releaseWhereNotAdmitted(DeviceSubnet subnet, Map<String, String> namespaceLabels,
      HeldRanges held, Context<DeviceSubnet> context) {
    if (namespaceLabels == null) {
      return held; // the namespace is not known (yet): no reason to take anything away
    }
    var vpgs = Informers.named(context, VirtualPrivateGateway.class, VPGS);
    Predicate<String> admitted = name -> vpgs.get(new ResourceID(name))
        .map(v -> Selectors.matches(v.getSpec().namespaceSelector, namespaceLabels))
        .orElse(true); // a deleted VPG's ledger goes with it
    HeldRanges kept = held;
    for (var entry : held.holding().entrySet()) {
      if (!admitted.test(entry.getKey())) {
        String uid = uid(subnet);
        ledger.update(entry.getKey(), null, entry.getValue(), claims -> claims.releasing(uid));
        kept = kept.without(entry.getKey());
      }
    }
    return kept;
  }

  @Override
  public ErrorStatusUpdateControl<DeviceSubnet> updateErrorStatus(DeviceSubnet subnet, Context<DeviceSubnet> context,
      Exception e) {
    DeviceSubnetStatus copy = new DeviceSubnetStatus();
    if (subnet.getStatus() != null) {
      copy.devices = subnet.getStatus().devices;
      copy.routed = subnet.getStatus().routed;
      copy.soracom = subnet.getStatus().soracom; // the SIMs last read stay published
    }
    return errors.status(subnet, context, e, copy, DeviceSubnet::new);
  }

  private static Map<String, String> namespaceLabels(DeviceSubnet subnet, Context<DeviceSubnet> context) {
    return Informers.named(context, Namespace.class, NAMESPACES)
        .get(new ResourceID(subnet.getMetadata().getNamespace()))
        .map(ns -> ns.getMetadata().getLabels() == null ? Map.<String, String>of() : ns.getMetadata().getLabels())
        .orElse(null);
  }

  static String uid(DeviceSubnet subnet) {
    return subnet.getMetadata().getUid();
  }

  static String holder(DeviceSubnet subnet) {
    return subnet.getMetadata().getNamespace() + "/" + subnet.getMetadata().getName();
  }

  /** The spec's CIDRs as networks; CEL guarantees they parse. */
  static List<Cidr> cidrs(DeviceSubnet subnet) {
    return subnet.getSpec().cidrs.stream().map(Cidr::parseOrNull).filter(Objects::nonNull).map(Cidr::network)
        .distinct().toList();
  }
}
