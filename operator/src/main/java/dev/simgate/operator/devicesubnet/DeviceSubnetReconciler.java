package dev.simgate.operator.devicesubnet;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetStatus;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.RoutedCidrs;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.status.Conditions;
import dev.simgate.operator.status.EventRecorder;
import dev.simgate.operator.status.Informers;
import dev.simgate.operator.status.StatusPatch;
import dev.simgate.operator.validation.CrossChecks;
import dev.simgate.operator.validation.Problem;
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

  private final Conditions conditions;
  private final EventRecorder events;

  public DeviceSubnetReconciler(OperatorSettings settings, EventRecorder events) {
    this.conditions = new Conditions(settings.clock());
    this.events = events;
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
    Map<String, String> namespaceLabels = Informers.named(context, Namespace.class, NAMESPACES)
        .get(new ResourceID(subnet.getMetadata().getNamespace()))
        .map(ns -> ns.getMetadata().getLabels() == null ? Map.<String, String>of() : ns.getMetadata().getLabels())
        .orElse(null);
    List<GatePeer> gatePeers = Informers.named(context, GatePeer.class, GATE_PEERS).list().toList();
    List<DeviceSubnet> subnets = context.getPrimaryCache().list().toList();
    Optional<Problem> problem = CrossChecks.deviceSubnet(subnet, vpg, namespaceLabels, gatePeers, subnets);

    long generation = subnet.getMetadata().getGeneration();
    DeviceSubnetStatus previous = subnet.getStatus() == null ? new DeviceSubnetStatus() : subnet.getStatus();
    DeviceSubnetStatus next = new DeviceSubnetStatus();
    if (problem.isPresent()) {
      next.devices = previous.devices;
      next.routed = previous.routed;
      next.conditions = conditions.stalled(generation, problem.get().reason(), problem.get().message(), previous.conditions);
    } else {
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow()
          .throwAggregateExceptionIfErrorsPresent();
      next.devices = subnet.getSpec().devices.size();
      next.routed = new RoutedCidrs(subnet.getSpec().vpgRef, List.copyOf(subnet.getSpec().cidrs));
      next.conditions = conditions.ready(generation, "DevicesPublished",
          next.devices + " devices published as Services", previous.conditions);
    }
    next.observedGeneration = generation;
    events.readyChanged(subnet, previous.conditions, next.conditions);
    return StatusPatch.ifChanged(subnet, previous, next, DeviceSubnet::new);
  }
}
