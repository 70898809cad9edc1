package dev.simgate.operator.vpg;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGatewayStatus;
import dev.simgate.operator.api.v1alpha1.VpgPeerReachability;
import dev.simgate.operator.gatepeer.PeerReachability;
import dev.simgate.operator.status.EventRecorder;
import dev.simgate.operator.status.Conditions;
import dev.simgate.operator.status.Informers;
import dev.simgate.operator.status.PrunedStore;
import dev.simgate.operator.status.Pruning;
import dev.simgate.operator.status.StatusPatch;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/** VirtualPrivateGateway: owns nothing; its status summarises the GatePeers and DeviceSubnets that use it. */
@ControllerConfiguration(name = "virtualprivategateway", fieldManager = "simgate-operator")
public class VirtualPrivateGatewayReconciler implements Reconciler<VirtualPrivateGateway> {
  static final String GATE_PEERS = "gatepeers";
  static final String DEVICE_SUBNETS = "devicesubnets";

  private final Conditions conditions;
  private final EventRecorder events;

  public VirtualPrivateGatewayReconciler(OperatorSettings settings) {
    this(settings, null);
  }

  /** @param events where to record a VPG peer that no gate node reaches any more (null: nowhere) */
  public VirtualPrivateGatewayReconciler(OperatorSettings settings, EventRecorder events) {
    this.conditions = new Conditions(settings.clock());
    this.events = events;
  }

  @Override
  public List<EventSource<?, VirtualPrivateGateway>> prepareEventSources(EventSourceContext<VirtualPrivateGateway> context) {
    var gatePeers = InformerEventSourceConfiguration.from(GatePeer.class, VirtualPrivateGateway.class)
        .withName(GATE_PEERS)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache())
        .withSecondaryToPrimaryMapper(gp -> Set.of(new ResourceID(gp.getSpec().vpgRef)))
        .build();
    var subnets = InformerEventSourceConfiguration.from(DeviceSubnet.class, VirtualPrivateGateway.class)
        .withName(DEVICE_SUBNETS)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache())
        .withItemStore(new PrunedStore<>(Pruning::deviceSubnetSummary))
        .withInformerListLimit(Pruning.LIST_PAGE)
        .withSecondaryToPrimaryMapper(ds -> Set.of(new ResourceID(ds.getSpec().vpgRef)))
        .build();
    return List.of(new InformerEventSource<>(gatePeers, context), new InformerEventSource<>(subnets, context));
  }

  @Override
  public UpdateControl<VirtualPrivateGateway> reconcile(VirtualPrivateGateway vpg, Context<VirtualPrivateGateway> context) {
    String name = vpg.getMetadata().getName();
    List<GatePeer> gatePeers = Informers.named(context, GatePeer.class, GATE_PEERS)
        .list(gp -> name.equals(gp.getSpec().vpgRef)).toList();
    List<DeviceSubnet> subnets = Informers.named(context, DeviceSubnet.class, DEVICE_SUBNETS)
        .list(ds -> name.equals(ds.getSpec().vpgRef)).toList();
    VirtualPrivateGatewayStatus previous = vpg.getStatus() == null ? new VirtualPrivateGatewayStatus() : vpg.getStatus();
    VirtualPrivateGatewayStatus next = new VirtualPrivateGatewayStatus();
    next.gatePeers = gatePeers.size();
    next.nodes = gatePeers.stream().mapToInt(gp -> gp.getStatus() == null ? 0 : gp.getStatus().nodes.size()).sum();
    next.readyNodes = gatePeers.stream()
        .mapToInt(gp -> gp.getStatus() == null ? 0 : Objects.requireNonNullElse(gp.getStatus().readyNodes, 0)).sum();
    next.deviceSubnets = subnets.size();
    next.devices = subnets.stream()
        .mapToInt(ds -> ds.getStatus() == null ? 0 : Objects.requireNonNullElse(ds.getStatus().devices, 0)).sum();
    next.vpgPeers = PeerReachability.ofVpg(vpg.getSpec().peers, gatePeers);
    lostPeers(vpg, previous.vpgPeers, next.vpgPeers);
    long generation = vpg.getMetadata().getGeneration();
    String summary = next.readyNodes + "/" + next.nodes + " gate nodes ready in " + next.gatePeers + " GatePeers; "
        + next.devices + " devices in " + next.deviceSubnets + " DeviceSubnets";
    next.conditions = next.readyNodes > 0
        ? conditions.ready(generation, "GateNodesReady", summary, previous.conditions)
        : conditions.reconciling(generation, "NoReadyGateNodes", summary, previous.conditions);
    next.observedGeneration = generation;
    return StatusPatch.ifChanged(vpg, previous, next, VirtualPrivateGateway::new);
  }

  /** A Warning when a VPG peer that some gate node reached is reached by none any more, a Normal when it is back. */
  private void lostPeers(VirtualPrivateGateway vpg, List<VpgPeerReachability> before, List<VpgPeerReachability> after) {
    if (events == null || before == null || after == null) {
      return;
    }
    for (VpgPeerReachability peer : after) {
      before.stream().filter(b -> b.address().equals(peer.address())).findFirst().ifPresent(was -> {
        if (was.reachableFrom() > 0 && peer.reachableFrom() == 0 && peer.gateNodes() > 0) {
          events.warning(vpg, "VpgPeerUnreachable", "VPG peer " + peer.address() + " answers no gate node ("
              + peer.gateNodes() + " report on it)");
        } else if (was.reachableFrom() == 0 && peer.reachableFrom() > 0) {
          events.normal(vpg, "VpgPeerReachable", "VPG peer " + peer.address() + " answers "
              + peer.reachableFrom() + "/" + peer.gateNodes() + " gate nodes again");
        }
      });
    }
  }
}
