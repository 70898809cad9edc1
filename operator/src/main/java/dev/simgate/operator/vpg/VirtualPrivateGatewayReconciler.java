package dev.simgate.operator.vpg;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.simgate.contract.net.Ipv4;
import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.SoracomVpgStatus;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGatewayStatus;
import dev.simgate.operator.api.v1alpha1.VpgPeerReachability;
import dev.simgate.operator.gatepeer.PeerReachability;
import dev.simgate.operator.status.Conditions;
import dev.simgate.operator.status.DeviceSubnetWatch;
import dev.simgate.operator.status.EventRecorder;
import dev.simgate.operator.status.Informers;
import dev.simgate.operator.status.StatusPatch;
import dev.simgate.operator.vpg.RegistrationPlanner.DesiredNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
 * VirtualPrivateGateway: owns nothing; its status summarises the GatePeers and DeviceSubnets that use it. With
 * {@code spec.soracom} it also keeps the SORACOM VPG in step ({@link SoracomVpgSync}): what it reads fills
 * {@code status.soracom}, and every gate node of the GatePeers is registered as a customer Gate peer.
 */
@ControllerConfiguration(name = "virtualprivategateway", fieldManager = VirtualPrivateGatewayReconciler.FIELD_MANAGER)
public class VirtualPrivateGatewayReconciler implements Reconciler<VirtualPrivateGateway> {
  static final String FIELD_MANAGER = "simgate-operator";
  static final String GATE_PEERS = "gatepeers";
  static final String DEVICE_SUBNETS = "devicesubnets";
  public static final String SORACOM_SYNCED = "SoracomSynced";

  private final DeviceSubnetWatch deviceSubnets;
  private final Conditions conditions;
  private final SoracomVpgSync soracom;
  private final EventRecorder events;

  public VirtualPrivateGatewayReconciler(OperatorSettings settings, SoracomVpgSync soracom, EventRecorder events,
      DeviceSubnetWatch deviceSubnets) {
    this.deviceSubnets = deviceSubnets;
    this.conditions = new Conditions(settings.clock());
    this.soracom = soracom;
    this.events = events;
  }

  @Override
  public List<EventSource<?, VirtualPrivateGateway>> prepareEventSources(EventSourceContext<VirtualPrivateGateway> context) {
    var gatePeers = InformerEventSourceConfiguration.from(GatePeer.class, VirtualPrivateGateway.class)
        .withName(GATE_PEERS)
        .withPrimaryToSecondaryMapper(Informers.readThroughCache())
        .withSecondaryToPrimaryMapper(gp -> Set.of(new ResourceID(gp.getSpec().vpgRef)))
        .build();
    return List.of(new InformerEventSource<>(gatePeers, context),
        deviceSubnets.events(DEVICE_SUBNETS, (ds, change) -> Set.of(new ResourceID(ds.getSpec().vpgRef))));
  }

  @Override
  public UpdateControl<VirtualPrivateGateway> reconcile(VirtualPrivateGateway vpg, Context<VirtualPrivateGateway> context) {
    String name = vpg.getMetadata().getName();
    List<GatePeer> gatePeers = Informers.named(context, GatePeer.class, GATE_PEERS)
        .list(gp -> name.equals(gp.getSpec().vpgRef)).toList();
    List<DeviceSubnet> subnets = deviceSubnets.list().filter(ds -> name.equals(ds.getSpec().vpgRef)).toList();
    VirtualPrivateGatewayStatus previous = vpg.getStatus() == null ? new VirtualPrivateGatewayStatus() : vpg.getStatus();
    VirtualPrivateGatewayStatus next = new VirtualPrivateGatewayStatus();
    next.gatePeers = gatePeers.size();
    next.nodes = gatePeers.stream().mapToInt(gp -> gp.getStatus() == null ? 0 : gp.getStatus().nodes.size()).sum();
    next.readyNodes = gatePeers.stream()
        .mapToInt(gp -> gp.getStatus() == null ? 0 : Objects.requireNonNullElse(gp.getStatus().readyNodes, 0)).sum();
    next.deviceSubnets = subnets.size();
    next.devices = subnets.stream()
        .mapToInt(ds -> ds.getStatus() == null ? 0 : Objects.requireNonNullElse(ds.getStatus().devices, 0)).sum();
    next.vpgPeers = PeerReachability.ofVpg(EffectiveVpg.peers(vpg), gatePeers);
    lostPeers(vpg, previous.vpgPeers, next.vpgPeers);
    long generation = vpg.getMetadata().getGeneration();
    String summary = next.readyNodes + "/" + next.nodes + " gate nodes ready in " + next.gatePeers + " GatePeers; "
        + next.devices + " devices in " + next.deviceSubnets + " DeviceSubnets";

    SoracomVpgSync.Outcome outcome = null;
    if (vpg.getSpec().soracom != null) {
      outcome = soracom.sync(vpg, gateNodes(gatePeers), intent -> persistIntent(vpg, previous, next, intent, context));
      next.soracom = outcome.status();
    } else {
      soracom.forget(vpg.getMetadata().getUid());
    }
    SoracomVerdict verdict = outcome == null ? SoracomVerdict.ok() : outcome.verdict();
    List<Condition> kstatus = switch (verdict.kind()) {
      case STALLED -> conditions.stalled(generation, verdict.reason(), verdict.message(), previous.conditions);
      case RECONCILING -> conditions.reconciling(generation, verdict.reason(), verdict.message(), previous.conditions);
      case OK -> next.readyNodes > 0
          ? conditions.ready(generation, "GateNodesReady", summary, previous.conditions)
          : conditions.reconciling(generation, "NoReadyGateNodes", summary, previous.conditions);
    };
    next.conditions = new ArrayList<>(kstatus);
    if (outcome != null) {
      next.conditions.add(conditions.extra(SORACOM_SYNCED, outcome.synced(), outcome.syncReason(), outcome.syncMessage(),
          generation, previous.conditions));
      if (verdict.kind() != SoracomVerdict.Kind.STALLED || !verdict.reason().equals(outcome.syncReason())) {
        syncedChanged(vpg, previous.conditions, outcome); // else the Ready transition's Event says it
      }
    }
    next.observedGeneration = generation;
    events.readyChanged(vpg, previous.conditions, next.conditions);
    UpdateControl<VirtualPrivateGateway> control = StatusPatch.ifChanged(vpg, previous, next, VirtualPrivateGateway::new);
    return outcome == null ? control : control.rescheduleAfter(outcome.requeue());
  }

  /** The gate nodes to register: every node of a GatePeer on this VPG that has an outer and an inner address. */
  static List<DesiredNode> gateNodes(List<GatePeer> gatePeers) {
    List<DesiredNode> nodes = new ArrayList<>();
    for (GatePeer gp : gatePeers) {
      if (gp.getMetadata().getDeletionTimestamp() != null || gp.getStatus() == null) {
        continue;
      }
      gp.getStatus().nodes.stream()
          .filter(n -> Ipv4.isValid(n.outerAddress()) && Ipv4.isValid(n.innerAddress()))
          .forEach(n -> nodes.add(new DesiredNode(n.name(), gp.getMetadata().getName(), n.outerAddress(), n.innerAddress())));
    }
    return nodes;
  }

  /** SimGate's record of a registration goes to the API server before the registration is made. */
  private static void persistIntent(VirtualPrivateGateway vpg, VirtualPrivateGatewayStatus previous,
      VirtualPrivateGatewayStatus summary, SoracomVpgStatus intent, Context<VirtualPrivateGateway> context) {
    VirtualPrivateGatewayStatus status = new VirtualPrivateGatewayStatus();
    status.gatePeers = summary.gatePeers;
    status.nodes = summary.nodes;
    status.readyNodes = summary.readyNodes;
    status.deviceSubnets = summary.deviceSubnets;
    status.devices = summary.devices;
    status.vpgPeers = summary.vpgPeers;
    status.conditions = previous.conditions;
    status.observedGeneration = previous.observedGeneration;
    status.soracom = intent;
    VirtualPrivateGateway fresh = new VirtualPrivateGateway();
    fresh.getMetadata().setName(vpg.getMetadata().getName());
    fresh.setStatus(status);
    context.getClient().resource(fresh).subresource("status").patch(new PatchContext.Builder()
        .withPatchType(PatchType.SERVER_SIDE_APPLY).withFieldManager(FIELD_MANAGER).withForce(true).build());
  }

  private void syncedChanged(VirtualPrivateGateway vpg, List<Condition> previous, SoracomVpgSync.Outcome outcome) {
    Condition before = Conditions.find(previous, SORACOM_SYNCED);
    boolean wasSynced = before == null || "True".equals(before.getStatus());
    if (!outcome.synced() && (wasSynced || !Objects.equals(before.getReason(), outcome.syncReason()))) {
      events.warning(vpg, outcome.syncReason(), outcome.syncMessage());
    } else if (outcome.synced() && !wasSynced) {
      events.normal(vpg, SoracomVpgSync.SYNCED, outcome.syncMessage());
    }
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
