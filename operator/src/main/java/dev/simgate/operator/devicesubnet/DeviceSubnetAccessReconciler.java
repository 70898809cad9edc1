package dev.simgate.operator.devicesubnet;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetStatus;
import dev.simgate.operator.policy.AcceptedSubnet;
import dev.simgate.operator.policy.PolicyPods;
import dev.simgate.operator.policy.PolicySources;
import dev.simgate.operator.policy.PolicyView;
import dev.simgate.operator.policy.ViewCache;
import dev.simgate.operator.routes.ClusterRangeInformers;
import dev.simgate.operator.routes.ClusterRanges;
import dev.simgate.operator.status.DeviceSubnetWatch;
import dev.simgate.operator.status.SharedWatch;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * A DeviceSubnet's {@code status.access} and {@code status.exposedServices}: how many pods may reach its SIMs and where
 * its SIMs reach each exposed Service, from the same accepted state the node policies are made of. A controller of its
 * own, with its own field manager: pods come and go far more often than DeviceSubnets change, and recounting them
 * should not re-run the DeviceSubnet's checks and device Services; server-side apply keeps the two writers' fields
 * apart. Written only when it changed.
 */
@ControllerConfiguration(name = "devicesubnet-access", fieldManager = DeviceSubnetAccessReconciler.FIELD_MANAGER,
    generationAwareEventProcessing = false,
    informer = @Informer(itemStore = AccessFields.class, onUpdateFilter = AccessFields.Decisions.class))
public class DeviceSubnetAccessReconciler implements Reconciler<DeviceSubnet> {
  public static final String FIELD_MANAGER = "simgate-operator-access";

  private final DeviceSubnetWatch deviceSubnets;
  private final SharedWatch<Pod> pods;
  private final OperatorSettings settings;
  private final ViewCache<PolicyView> views = new ViewCache<>();
  private boolean serviceCidrs;

  public DeviceSubnetAccessReconciler(OperatorSettings settings, DeviceSubnetWatch deviceSubnets,
      SharedWatch<Pod> pods) {
    this.settings = settings;
    this.deviceSubnets = deviceSubnets;
    this.pods = pods;
  }

  @Override
  public List<EventSource<?, DeviceSubnet>> prepareEventSources(EventSourceContext<DeviceSubnet> context) {
    // What every DeviceSubnet's report is made of changes the cluster-wide view: made again once, not once each.
    SecondaryToPrimaryMapper<Object> all = ignored -> {
      views.changed();
      return context.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet());
    };
    SecondaryToPrimaryMapper<String> inNamespace = namespace -> context.getPrimaryCache().list(namespace)
        .map(ResourceID::fromResource).collect(Collectors.toSet());
    SimpleInboundEventSource<DeviceSubnet> podsInNamespace = pods.events(PolicySources.PODS,
        (pod, change) -> inNamespace.toPrimaryResourceIDs(pod.getMetadata().getNamespace()));
    var slices = PolicySources.withSliceIndex(new InformerEventSource<>(PolicySources.slices(DeviceSubnet.class,
        slice -> inNamespace.toPrimaryResourceIDs(slice.getMetadata().getNamespace())), context));
    List<EventSource<?, DeviceSubnet>> sources = new ArrayList<>(List.of(
        podsInNamespace, slices,
        new InformerEventSource<>(PolicySources.services(DeviceSubnet.class,
            svc -> inNamespace.toPrimaryResourceIDs(svc.getMetadata().getNamespace())), context),
        new InformerEventSource<>(PolicySources.ledgers(DeviceSubnet.class, settings.namespace(),
            all::toPrimaryResourceIDs), context),
        new InformerEventSource<>(PolicySources.gatePeers(DeviceSubnet.class, all::toPrimaryResourceIDs), context),
        new InformerEventSource<>(PolicySources.vpgs(DeviceSubnet.class, all::toPrimaryResourceIDs), context),
        PolicySources.deviceSubnets(deviceSubnets, all::toPrimaryResourceIDs),
        new InformerEventSource<>(ClusterRangeInformers.podRanges(DeviceSubnet.class, all::toPrimaryResourceIDs),
            context)));
    serviceCidrs = ClusterRangeInformers.serviceCidrsServed(context.getClient());
    if (serviceCidrs) {
      sources.add(new InformerEventSource<>(ClusterRangeInformers.serviceCidrs(DeviceSubnet.class,
          (ServiceCIDR s) -> all.toPrimaryResourceIDs(s)), context));
    }
    return sources;
  }

  @Override
  public UpdateControl<DeviceSubnet> reconcile(DeviceSubnet subnet, Context<DeviceSubnet> context) {
    if (!AccessFields.decided(subnet)) {
      // Until the DeviceSubnet controller decides on this generation (its status write wakes this controller), the
      // terms last accepted stay in force and the report would say nothing new: no write of a 400-device object.
      return UpdateControl.noUpdate();
    }
    PolicyView view = views.get(() -> {
      ClusterRanges cluster = ClusterRangeInformers.read(context, ClusterRangeInformers.POD_RANGES, serviceCidrs,
          settings.clusterCidrs());
      return PolicySources.view(context, deviceSubnets, cluster, PolicySources.steeringProblemOnly(settings.policy(), cluster));
    });
    if (view == null) {
      return UpdateControl.<DeviceSubnet>noUpdate().rescheduleAfter(ViewCache.INTERVAL); // a fresh view is due by then
    }
    String uid = subnet.getMetadata().getUid();
    Optional<AcceptedSubnet> accepted = view.subnets().stream().filter(s -> s.uid().equals(uid))
        .min((a, b) -> Boolean.compare(!a.vpg().equals(subnet.getSpec().vpgRef), !b.vpg().equals(subnet.getSpec().vpgRef)));
    AccessReport report = AccessReport.of(subnet, accepted,
        PolicySources.podAddresses(pods, PolicyPods.BY_NAMESPACE, subnet.getMetadata().getNamespace()), view);
    DeviceSubnetStatus current = subnet.getStatus();
    if (current != null && Objects.equals(current.access, report.access())
        && Objects.equals(current.exposedServices, report.exposed())) {
      return UpdateControl.noUpdate();
    }
    DeviceSubnetStatus status = new DeviceSubnetStatus();
    status.conditions = null; // the DeviceSubnet controller's; this field manager writes only these two fields
    status.access = report.access();
    status.exposedServices = report.exposed();
    DeviceSubnet fresh = new DeviceSubnet();
    fresh.getMetadata().setName(subnet.getMetadata().getName());
    fresh.getMetadata().setNamespace(subnet.getMetadata().getNamespace());
    fresh.setStatus(status);
    return UpdateControl.patchStatus(fresh);
  }
}
