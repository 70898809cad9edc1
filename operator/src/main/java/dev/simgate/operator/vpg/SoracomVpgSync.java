package dev.simgate.operator.vpg;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.api.v1alpha1.SoracomRegistration;
import dev.simgate.operator.api.v1alpha1.SoracomVpgSpec;
import dev.simgate.operator.api.v1alpha1.SoracomVpgStatus;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGatewaySpec;
import dev.simgate.operator.soracom.SoracomApiException;
import dev.simgate.operator.soracom.SoracomClient;
import dev.simgate.operator.soracom.SoracomException;
import dev.simgate.operator.soracom.link.Durations;
import dev.simgate.operator.soracom.link.ErrorReport;
import dev.simgate.operator.soracom.link.RefreshSchedule;
import dev.simgate.operator.soracom.link.SoracomConnections;
import dev.simgate.operator.soracom.link.SoracomSetupException;
import dev.simgate.operator.soracom.model.GatePeer;
import dev.simgate.operator.soracom.model.GatewayState;
import dev.simgate.operator.status.EventRecorder;
import dev.simgate.operator.vpg.RegistrationPlanner.Action;
import dev.simgate.operator.vpg.RegistrationPlanner.DesiredNode;
import dev.simgate.operator.vpg.RegistrationPlanner.Plan;
import dev.simgate.operator.vpg.RegistrationPlanner.Step;

/**
 * A VirtualPrivateGateway's SORACOM side, in the order observe → validate → reconcile:
 * <ol>
 *   <li>observe: read the VPG and its Gate peers (only when due: the refresh interval passed, the spec changed, or there
 *       is work; never before a failure's backoff ends);
 *   <li>validate: the spec's deviceSubnet and vni against the VPG's; on a mismatch nothing is written to SORACOM;
 *   <li>reconcile: open Gate if the spec asks and it is closed; register, correct and unregister the gate nodes'
 *       Gate peers ({@link RegistrationPlanner}), persisting SimGate's record of a registration before making it.
 * </ol>
 * Every failure keeps the last known state (status.soracom), which is what the gate peers' configuration is built
 * from: forwarding never waits for the API.
 */
public final class SoracomVpgSync {
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
  static final String SYNCED = "Synced";
  static final String UNREGISTERING = "UnregisteringGatePeers";
  private static final Logger LOG = LoggerFactory.getLogger(SoracomVpgSync.class);

  /** Why the last attempt failed; kept in memory for reconciles that do not call the API. */
  private record Failure(long generation, String reason, String message, boolean needsPerson) {}

  /**
   * @param status the new status.soracom
   * @param verdict what it means for the VPG's Ready condition
   * @param syncReason reason of the SoracomSynced condition ({@link #SYNCED} when the last attempt succeeded)
   * @param requeue when to look again
   */
  public record Outcome(SoracomVpgStatus status, SoracomVerdict verdict, boolean synced, String syncReason,
      String syncMessage, Duration requeue) {}

  /** What executing a plan left: the registrations, the last step error, and a transient failure that stopped it. */
  private record Executed(List<SoracomRegistration> entries, SoracomException stepError, SoracomException stoppedBy) {}

  private final SoracomConnections connections;
  private final EventRecorder events;
  private final Clock clock;
  private final RefreshSchedule schedule = new RefreshSchedule();
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();

  public SoracomVpgSync(SoracomConnections connections, EventRecorder events, Clock clock) {
    this.connections = connections;
    this.events = events;
    this.clock = clock;
  }

  /**
   * @param desired the gate nodes of the GatePeers on this VPG that should be registered
   * @param persistIntent writes status.soracom (the whole VPG status) before any registration is made; must throw if
   *     it cannot, so that nothing is registered that SimGate has no record of
   */
  public Outcome sync(VirtualPrivateGateway vpg, List<DesiredNode> desired, Consumer<SoracomVpgStatus> persistIntent) {
    SoracomVpgSpec spec = vpg.getSpec().soracom;
    String uid = vpg.getMetadata().getUid();
    long generation = vpg.getMetadata().getGeneration();
    Instant now = clock.instant();
    Duration interval = Durations.parse(spec.refreshInterval, DEFAULT_INTERVAL);
    SoracomVpgStatus previous = vpg.getStatus() == null || vpg.getStatus().soracom == null ? null : vpg.getStatus().soracom.copy();
    boolean leftBehind = previous != null && !spec.vpgId.equals(previous.vpgId)
        && previous.registrations.stream().anyMatch(SoracomRegistration::registeredBySimGate);
    SoracomVpgStatus current = previous != null && spec.vpgId.equals(previous.vpgId) ? previous : fresh(spec.vpgId);
    if (leftBehind) {
      current = previous;
    }
    if (!schedule.shouldCall(uid, generation, now, leftBehind || hasWork(current, desired))) {
      return outcome(vpg, current, desired, failures.get(uid), now);
    }
    try {
      SoracomClient client = connections.client(spec);
      if (leftBehind) {
        Optional<SoracomVpgStatus> remaining = leaveOldVpg(client, previous);
        if (remaining.isPresent()) {
          current = remaining.get();
          return failed(vpg, current, desired, now, interval,
              new Failure(generation, UNREGISTERING, "SimGate's Gate peers on SORACOM VPG " + previous.vpgId
                  + " (the previous spec.soracom.vpgId) are not all unregistered yet", false));
        }
        current = fresh(spec.vpgId);
      }
      GatewayState state = client.readGateway(spec.vpgId);
      observe(current, state);
      notePeersDiffer(vpg, current, previous);
      Optional<String> mismatch = mismatch(vpg.getSpec(), current);
      SoracomException stepError = null;
      SoracomException stoppedBy = null;
      if (mismatch.isEmpty()) {
        if (!current.gateOpen && Boolean.TRUE.equals(spec.openGate)) {
          client.openGate(spec.vpgId, vpg.getSpec().vni, null);
          events.normal(vpg, "SoracomGateOpened", "opened Gate on SORACOM VPG " + spec.vpgId
              + (vpg.getSpec().vni == null ? "" : " with VXLAN id " + vpg.getSpec().vni) + " (spec.soracom.openGate)");
          state = client.readGateway(spec.vpgId);
          observe(current, state);
        }
        Plan plan = RegistrationPlanner.plan(desired, current.registrations, state.peers());
        if (plan.registers()) {
          SoracomVpgStatus intent = current.copy();
          intent.registrations = plan.steps().stream().map(Step::entry).toList();
          persistIntent.accept(intent);
        }
        Executed executed = execute(client, vpg, spec.vpgId, plan);
        current.registrations = new ArrayList<>(executed.entries());
        current.otherCustomerPeers = plan.others().isEmpty() ? null : plan.others();
        stepError = executed.stepError();
        stoppedBy = executed.stoppedBy();
      }
      SoracomException error = stoppedBy != null ? stoppedBy : stepError;
      current.lastError = error == null ? null : ErrorReport.of(error, current.lastError, now);
      if (stoppedBy != null) {
        return failed(vpg, current, desired, now, interval, transientFailure(generation, stoppedBy));
      }
      if (stepError != null) {
        // Retried after a backoff, not at every reconcile; the entries say which node and why.
        schedule.failed(uid, generation, now, interval);
      } else {
        schedule.succeeded(uid, generation, now, interval);
      }
      failures.remove(uid);
      return outcome(vpg, current, desired, null, now);
    } catch (SoracomSetupException e) {
      return failed(vpg, current, desired, now, interval, new Failure(generation, e.reason(), e.getMessage(), true));
    } catch (SoracomException e) {
      current.lastError = ErrorReport.of(e, current.lastError, now);
      Failure failure = e.isTransient() ? transientFailure(generation, e)
          : new Failure(generation, SoracomVerdict.API_ERROR, e.getMessage(), true);
      return failed(vpg, current, desired, now, interval, failure);
    }
  }

  /** Forgets an object's schedule when it is deleted or leaves SORACOM. */
  public void forget(String uid) {
    schedule.forget(uid);
    failures.remove(uid);
  }

  private Outcome failed(VirtualPrivateGateway vpg, SoracomVpgStatus status, List<DesiredNode> desired, Instant now,
      Duration interval, Failure failure) {
    String uid = vpg.getMetadata().getUid();
    Failure before = failures.put(uid, failure);
    if (before == null || !before.reason().equals(failure.reason())) {
      LOG.atWarn().addKeyValue("vpg", vpg.getMetadata().getName()).addKeyValue("reason", failure.reason())
          .addKeyValue("message", failure.message()).log("SORACOM sync failed; keeping the last known state");
    }
    schedule.failed(uid, failure.generation(), now, interval);
    return outcome(vpg, status, desired, failure, now);
  }

  private static Failure transientFailure(long generation, SoracomException e) {
    return new Failure(generation, SoracomVerdict.UNAVAILABLE, e.getMessage() + "; the gate peers keep their last known"
        + " configuration", false);
  }

  private Outcome outcome(VirtualPrivateGateway vpg, SoracomVpgStatus status, List<DesiredNode> desired, Failure failure,
      Instant now) {
    SoracomVerdict verdict = verdict(vpg.getSpec(), status, desired, failure);
    String uid = vpg.getMetadata().getUid();
    Duration requeue = schedule.untilNext(uid, now, hasWork(status, desired));
    if (requeue.compareTo(Duration.ofSeconds(1)) < 0) {
      requeue = Duration.ofSeconds(1);
    }
    if (failure != null) {
      return new Outcome(status, verdict, false, failure.reason(), failure.message(), requeue);
    }
    long inPlace = status.registrations.stream().filter(SoracomRegistration::inPlace).count();
    return new Outcome(status, verdict, true, SYNCED, "SORACOM VPG " + status.vpgId + " read; " + inPlace + "/"
        + status.registrations.size() + " Gate peer registrations in place", requeue);
  }

  // ---- observe

  private static SoracomVpgStatus fresh(String vpgId) {
    SoracomVpgStatus s = new SoracomVpgStatus();
    s.vpgId = vpgId;
    return s;
  }

  private static void observe(SoracomVpgStatus status, GatewayState state) {
    var gateway = state.gateway();
    status.gateOpen = gateway.isGateOpen();
    status.vni = gateway.vni().filter(v -> v >= 1 && v <= 16_777_215).map(Long::intValue).orElse(null);
    status.deviceSubnet = gateway.deviceSubnet().orElse(null);
    status.vpgPeers = state.vpgPeers().stream().map(GatePeer::outerIpAddress).filter(Objects::nonNull).sorted().toList();
  }

  private void notePeersDiffer(VirtualPrivateGateway vpg, SoracomVpgStatus status, SoracomVpgStatus previous) {
    List<String> specPeers = vpg.getSpec().peers;
    status.peersDiffer = specPeers == null || specPeers.isEmpty() || Set.copyOf(specPeers).equals(Set.copyOf(status.vpgPeers))
        ? null
        : "spec.peers " + specPeers + " differ from the SORACOM VPG's own Gate peers " + status.vpgPeers
            + "; the gate peers use spec.peers";
    String before = previous == null ? null : previous.peersDiffer;
    if (status.peersDiffer != null && !status.peersDiffer.equals(before)) {
      events.warning(vpg, "SoracomPeersDiffer", status.peersDiffer);
    }
  }

  // ---- validate

  static Optional<String> mismatch(VirtualPrivateGatewaySpec spec, SoracomVpgStatus read) {
    List<String> problems = new ArrayList<>();
    if (spec.deviceSubnet != null && read.deviceSubnet != null && !sameNetwork(spec.deviceSubnet, read.deviceSubnet)) {
      problems.add("spec.deviceSubnet " + spec.deviceSubnet + " differs from the VPG's deviceSubnetCidrRange " + read.deviceSubnet);
    }
    // A closed Gate's VXLAN id is not in force: opening it (spec.soracom.openGate) sets spec.vni.
    if (spec.vni != null && read.vni != null && Boolean.TRUE.equals(read.gateOpen) && !spec.vni.equals(read.vni)) {
      problems.add("spec.vni " + spec.vni + " differs from the VPG's gateVxlanId " + read.vni);
    }
    if (problems.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(String.join("; ", problems) + " (SORACOM VPG " + read.vpgId + "): fix the spec, or leave the field"
        + " unset to take the VPG's value; nothing is registered meanwhile");
  }

  private static boolean sameNetwork(String a, String b) {
    Cidr x = Cidr.parseOrNull(a);
    Cidr y = Cidr.parseOrNull(b);
    return x != null && y != null && x.network().equals(y.network());
  }

  static SoracomVerdict verdict(VirtualPrivateGatewaySpec spec, SoracomVpgStatus status, List<DesiredNode> desired,
      Failure failure) {
    if (failure != null && failure.needsPerson()) {
      return SoracomVerdict.stalled(failure.reason(), failure.message());
    }
    if (status == null || status.gateOpen == null || !spec.soracom.vpgId.equals(status.vpgId)) {
      return failure != null ? SoracomVerdict.reconciling(failure.reason(), failure.message())
          : SoracomVerdict.reconciling(SoracomVerdict.UNAVAILABLE, "SORACOM VPG " + spec.soracom.vpgId + " not read yet");
    }
    Optional<String> mismatch = mismatch(spec, status);
    if (mismatch.isPresent()) {
      return SoracomVerdict.stalled(SoracomVerdict.MISMATCH, mismatch.get());
    }
    if (!status.gateOpen) {
      return SoracomVerdict.stalled(SoracomVerdict.GATE_CLOSED, "Gate is closed on SORACOM VPG " + status.vpgId
          + ": open it in the SORACOM console, or set spec.soracom.openGate: true (opening interrupts the VPG's traffic"
          + " for a few seconds)");
    }
    if ((spec.peers == null || spec.peers.isEmpty()) && (status.vpgPeers == null || status.vpgPeers.isEmpty())) {
      return SoracomVerdict.stalled(SoracomVerdict.NO_VPG_PEERS, "SORACOM VPG " + status.vpgId
          + " lists no Gate peers of its own, and spec.peers is empty");
    }
    Set<String> wanted = new HashSet<>();
    desired.forEach(d -> wanted.add(d.outerAddress()));
    List<String> conflicts = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    int pending = 0;
    int leaving = 0;
    int inPlace = 0;
    for (SoracomRegistration r : status.registrations) {
      if (!wanted.contains(r.outerAddress())) {
        leaving += r.registeredBySimGate() ? 1 : 0;
      } else if (r.inPlace()) {
        inPlace++;
      } else if (!r.registeredBySimGate()) {
        conflicts.add("node " + r.node() + ": " + r.message());
      } else if (RegistrationPlanner.REGISTERING.equals(r.message())) {
        pending++;
      } else {
        errors.add("node " + r.node() + ": " + r.message());
      }
    }
    if (!conflicts.isEmpty()) {
      return SoracomVerdict.stalled(SoracomVerdict.REGISTRATION_CONFLICT, String.join("; ", conflicts));
    }
    if (!errors.isEmpty()) {
      return SoracomVerdict.stalled(SoracomVerdict.API_ERROR, String.join("; ", errors));
    }
    String unavailable = failure == null ? "" : "; " + failure.message();
    if (pending > 0 || inPlace < wanted.size()) {
      return SoracomVerdict.reconciling(SoracomVerdict.REGISTERING, inPlace + "/" + wanted.size()
          + " gate nodes registered as Gate peers of SORACOM VPG " + status.vpgId + unavailable);
    }
    if (leaving > 0) {
      return SoracomVerdict.reconciling(UNREGISTERING, leaving + " Gate peers of nodes that left are still registered on"
          + " SORACOM VPG " + status.vpgId + unavailable);
    }
    return SoracomVerdict.ok();
  }

  /** Whether the recorded state differs from what the nodes need (then the API is called as soon as allowed). */
  static boolean hasWork(SoracomVpgStatus status, List<DesiredNode> desired) {
    Map<String, SoracomRegistration> byOuter = new HashMap<>();
    status.registrations.forEach(r -> byOuter.put(r.outerAddress(), r));
    for (DesiredNode d : desired) {
      SoracomRegistration r = byOuter.get(d.outerAddress());
      if (r == null || !Objects.equals(r.innerAddress(), d.innerAddress())) {
        return true;
      }
    }
    Set<String> wanted = new HashSet<>();
    desired.forEach(d -> wanted.add(d.outerAddress()));
    return status.registrations.stream().anyMatch(r -> r.registeredBySimGate()
        && (!r.inPlace() || !wanted.contains(r.outerAddress())));
  }

  // ---- reconcile

  private Executed execute(SoracomClient client, VirtualPrivateGateway vpg, String vpgId, Plan plan) {
    List<SoracomRegistration> entries = new ArrayList<>();
    SoracomException stepError = null;
    SoracomException stoppedBy = null;
    for (Step step : plan.steps()) {
      SoracomRegistration entry = step.entry();
      if (stoppedBy != null) {
        // Not attempted: keep the intent (registering) or the record (unregistering) for the next attempt.
        if (step.action() != Action.FORGET) {
          entries.add(entry);
        }
        continue;
      }
      try {
        switch (step.action()) {
          case NONE -> entries.add(entry);
          case FORGET -> { }
          case UNREGISTER -> client.unregisterGatePeer(vpgId, entry.outerAddress());
          case REGISTER -> {
            client.registerGatePeer(vpgId, entry.outerAddress(), entry.innerAddress());
            entries.add(entry.withState(true, null));
          }
          case REPLACE -> {
            client.unregisterGatePeer(vpgId, entry.outerAddress());
            client.registerGatePeer(vpgId, entry.outerAddress(), entry.innerAddress());
            entries.add(entry.withState(true, null));
          }
        }
        if (step.drift() != null) {
          events.warning(vpg, "SoracomDriftCorrected", step.drift());
        }
      } catch (SoracomException e) {
        if (e.isTransient()) {
          stoppedBy = e;
          entries.add(entry);
        } else {
          stepError = e;
          entries.add(step.action() == Action.UNREGISTER ? entry.withState(true, "node left; unregistering failed: " + e.getMessage())
              : entry.withState(false, e.getMessage()));
        }
      }
    }
    return new Executed(entries, stepError, stoppedBy);
  }

  /**
   * The spec names another SORACOM VPG than the one SimGate registered on: unregister SimGate's entries there first
   * (with the same credentials). Returns the old VPG's status with the entries still left, or empty once none are.
   */
  private Optional<SoracomVpgStatus> leaveOldVpg(SoracomClient client, SoracomVpgStatus old) {
    List<GatePeer> listed;
    try {
      listed = client.listGatePeers(old.vpgId);
    } catch (SoracomApiException e) {
      if (!e.isNotFound()) {
        throw e;
      }
      listed = List.of(); // the old VPG is gone, and SimGate's entries with it
    }
    Plan plan = RegistrationPlanner.plan(List.of(), old.registrations, listed);
    List<SoracomRegistration> left = new ArrayList<>();
    for (Step step : plan.steps()) {
      if (step.action() == Action.UNREGISTER) {
        try {
          client.unregisterGatePeer(old.vpgId, step.entry().outerAddress());
        } catch (SoracomApiException e) {
          if (!e.isNotFound()) {
            left.add(step.entry().withState(true, "spec.soracom.vpgId changed; unregistering failed: " + e.getMessage()));
          }
        }
      }
    }
    if (!left.isEmpty()) {
      SoracomVpgStatus s = old.copy();
      s.registrations = left;
      return Optional.of(s);
    }
    LOG.atInfo().addKeyValue("oldVpgId", old.vpgId).log("SimGate's Gate peers left the previous SORACOM VPG");
    return Optional.empty();
  }
}
