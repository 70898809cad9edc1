package dev.simgate.operator.devicesubnet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetStatus;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.RoutedCidrs;
import dev.simgate.operator.api.v1alpha1.SimDevice;
import dev.simgate.operator.api.v1alpha1.SoracomSimsStatus;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.status.Conditions;
import dev.simgate.operator.status.EventRecorder;
import dev.simgate.operator.status.Informers;
import dev.simgate.operator.status.StatusPatch;
import dev.simgate.operator.validation.CrossChecks;
import dev.simgate.operator.validation.Problem;
import dev.simgate.operator.vpg.EffectiveVpg;
import dev.simgate.operator.vpg.SoracomVerdict;
import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * DeviceSubnet: validate against its VPG, namespace, GatePeer pools and other DeviceSubnets, then publish each named
 * device as a Service + EndpointSlice. On a cross-object error the published objects are left as they are.
 */
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = "services", type = DeviceServiceDependent.class),
    @Dependent(name = "endpointslices", type = DeviceEndpointSliceDependent.class, dependsOn = "services"),
})
@ControllerConfiguration(name = "devicesubnet", fieldManager = "simgate-operator")
public class DeviceSubnetReconciler implements Reconciler<DeviceSubnet> {
  static final String VPGS = "vpgs";
  static final String NAMESPACES = "namespaces";
  static final String GATE_PEERS = "gatepeers";
  static final String SIBLINGS = "sibling-devicesubnets";

  public static final String SORACOM_SYNCED = "SoracomSynced";

  private final Conditions conditions;
  private final EventRecorder events;
  private final SoracomSimSync soracom;

  public DeviceSubnetReconciler(OperatorSettings settings, EventRecorder events, SoracomSimSync soracom) {
    this.conditions = new Conditions(settings.clock());
    this.events = events;
    this.soracom = soracom;
  }

  @Override
  public List<EventSource<?, DeviceSubnet>> prepareEventSources(EventSourceContext<DeviceSubnet> context) {
    var vpgs = InformerEventSourceConfiguration.from(VirtualPrivateGateway.class, DeviceSubnet.class)
        .withName(VPGS)
        .withSecondaryToPrimaryMapper(Informers.<VirtualPrivateGateway, DeviceSubnet>toPrimaries(context,
            vpg -> ds -> vpg.getMetadata().getName().equals(ds.getSpec().vpgRef)))
        .build();
    var namespaces = InformerEventSourceConfiguration.from(Namespace.class, DeviceSubnet.class)
        .withName(NAMESPACES)
        .withSecondaryToPrimaryMapper(Informers.<Namespace, DeviceSubnet>toPrimaries(context,
            ns -> ds -> ns.getMetadata().getName().equals(ds.getMetadata().getNamespace())))
        .withOnUpdateFilter((next, previous) -> !Objects.equals(next.getMetadata().getLabels(), previous.getMetadata().getLabels()))
        .build();
    var gatePeers = InformerEventSourceConfiguration.from(GatePeer.class, DeviceSubnet.class)
        .withName(GATE_PEERS)
        .withSecondaryToPrimaryMapper(Informers.<GatePeer, DeviceSubnet>toPrimaries(context,
            gp -> ds -> gp.getSpec().vpgRef.equals(ds.getSpec().vpgRef)))
        .withOnUpdateFilter((next, previous) -> !Objects.equals(next.getSpec().innerAddressPool, previous.getSpec().innerAddressPool)
            || !Objects.equals(next.getSpec().vpgRef, previous.getSpec().vpgRef))
        .build();
    var siblings = InformerEventSourceConfiguration.from(DeviceSubnet.class, DeviceSubnet.class)
        .withName(SIBLINGS)
        .withSecondaryToPrimaryMapper(Informers.<DeviceSubnet, DeviceSubnet>toPrimaries(context,
            other -> ds -> other.getSpec().vpgRef.equals(ds.getSpec().vpgRef)
                && !ResourceID.fromResource(other).equals(ResourceID.fromResource(ds))))
        .withOnUpdateFilter((next, previous) -> !Objects.equals(next.getMetadata().getGeneration(), previous.getMetadata().getGeneration()))
        .build();
    return List.of(
        new InformerEventSource<>(vpgs, context),
        new InformerEventSource<>(namespaces, context),
        new InformerEventSource<>(gatePeers, context),
        new InformerEventSource<>(siblings, context));
  }

  @Override
  public UpdateControl<DeviceSubnet> reconcile(DeviceSubnet subnet, Context<DeviceSubnet> context) {
    VirtualPrivateGateway vpg = Informers.named(context, VirtualPrivateGateway.class, VPGS)
        .get(new ResourceID(subnet.getSpec().vpgRef)).orElse(null);
    // With spec.soracom the VPG may leave deviceSubnet to SORACOM: use what it has read (or wait for it).
    Optional<String> pending = Optional.empty();
    if (vpg != null) {
      EffectiveVpg.Resolution resolution = EffectiveVpg.resolveDeviceSubnet(vpg);
      pending = resolution.pendingMessage();
      vpg = resolution.vpg();
    }
    Map<String, String> namespaceLabels = Informers.named(context, Namespace.class, NAMESPACES)
        .get(new ResourceID(subnet.getMetadata().getNamespace()))
        .map(ns -> ns.getMetadata().getLabels() == null ? Map.<String, String>of() : ns.getMetadata().getLabels())
        .orElse(null);
    List<GatePeer> gatePeers = Informers.named(context, GatePeer.class, GATE_PEERS).list().toList();
    List<DeviceSubnet> subnets = context.getPrimaryCache().list().toList();
    Optional<Problem> problem = pending.isPresent() ? Optional.empty()
        : CrossChecks.deviceSubnet(subnet, vpg, namespaceLabels, gatePeers, subnets);

    long generation = subnet.getMetadata().getGeneration();
    DeviceSubnetStatus previous = subnet.getStatus() == null ? new DeviceSubnetStatus() : subnet.getStatus();
    DeviceSubnetStatus next = new DeviceSubnetStatus();
    SoracomSimSync.Outcome sims = null;
    if (pending.isPresent() || problem.isPresent()) {
      next.devices = previous.devices;
      next.routed = previous.routed;
      next.soracom = previous.soracom;
      next.conditions = pending.isPresent()
          ? conditions.reconciling(generation, EffectiveVpg.PENDING, pending.get(), previous.conditions)
          : conditions.stalled(generation, problem.get().reason(), problem.get().message(), previous.conditions);
    } else {
      if (subnet.getSpec().soracom != null) {
        sims = soracom.refresh(subnet, vpg);
        next.soracom = sims.status();
      } else {
        soracom.forget(subnet.getMetadata().getUid());
      }
      List<PublishedDevice> devices = published(subnet, next.soracom);
      context.managedWorkflowAndDependentResourceContext().put(PublishedDevice.KEY, devices);
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow()
          .throwAggregateExceptionIfErrorsPresent();
      next.devices = devices.size();
      next.routed = new RoutedCidrs(subnet.getSpec().vpgRef, List.copyOf(subnet.getSpec().cidrs));
      SoracomVerdict verdict = sims == null ? SoracomVerdict.ok() : sims.verdict();
      String published = next.devices + " devices published as Services" + (sims == null ? ""
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
    next.observedGeneration = generation;
    events.readyChanged(subnet, previous.conditions, next.conditions);
    UpdateControl<DeviceSubnet> control = StatusPatch.ifChanged(subnet, previous, next, DeviceSubnet::new);
    return sims == null ? control : control.rescheduleAfter(sims.requeue());
  }

  /** spec.devices, then the SIMs from SORACOM that are still valid under the current spec. */
  private static List<PublishedDevice> published(DeviceSubnet subnet, SoracomSimsStatus sims) {
    List<PublishedDevice> devices = new ArrayList<>();
    subnet.getSpec().devices.forEach(d -> devices.add(new PublishedDevice(d, true)));
    if (sims != null) {
      List<Cidr> cidrs = subnet.getSpec().cidrs.stream().map(Cidr::parseOrNull).filter(Objects::nonNull)
          .map(Cidr::network).toList();
      for (SimDevice sim : SimDevicePlanner.stillValid(sims.devices, cidrs, subnet.getSpec().devices)) {
        Device device = new Device(sim.name(), sim.address());
        device.imsi = sim.imsi();
        devices.add(new PublishedDevice(device, sim.resolvable()));
      }
    }
    return devices;
  }
}
