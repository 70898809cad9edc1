package dev.simgate.operator.devicesubnet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.RejectedSim;
import dev.simgate.operator.api.v1alpha1.SimDevice;
import dev.simgate.operator.api.v1alpha1.SoracomSimsSpec;
import dev.simgate.operator.api.v1alpha1.SoracomSimsStatus;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.soracom.SoracomClient;
import dev.simgate.operator.soracom.SoracomException;
import dev.simgate.operator.soracom.TagFilter;
import dev.simgate.operator.soracom.link.Durations;
import dev.simgate.operator.soracom.link.ErrorReport;
import dev.simgate.operator.soracom.link.RefreshSchedule;
import dev.simgate.operator.soracom.link.SoracomConnections;
import dev.simgate.operator.soracom.link.SoracomSetupException;
import dev.simgate.operator.soracom.model.IpAddressMapEntry;
import dev.simgate.operator.soracom.model.Subscriber;
import dev.simgate.operator.status.EventRecorder;
import dev.simgate.operator.vpg.SoracomVerdict;

/**
 * A DeviceSubnet's SIMs from SORACOM: on each refresh (the interval passed, or the spec changed; after a failure not
 * before its backoff) it lists the group's or tag's SIMs and the VPG's IP address map, every page, and plans the devices
 * ({@link SimDevicePlanner}). Between refreshes, and whenever the API fails, the devices last published
 * (status.soracom) stay published as they are.
 */
public final class SoracomSimSync {
  /** Published SIMs per DeviceSubnet at most: each is two objects and a status entry. */
  public static final int MAX_SIM_DEVICES = 1000;
  static final int MAX_REJECTED_LISTED = 100;
  static final String NOT_CONFIGURED = "SoracomNotConfigured";
  static final String TOO_MANY = "TooManySims";
  static final String SYNCED = "Synced";
  private static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
  private static final Logger LOG = LoggerFactory.getLogger(SoracomSimSync.class);

  private record Failure(String reason, String message, boolean needsPerson) {}

  /**
   * @param status the new status.soracom; its devices are what to publish
   * @param verdict what it means for the DeviceSubnet's Ready condition
   */
  public record Outcome(SoracomSimsStatus status, SoracomVerdict verdict, boolean synced, String syncReason,
      String syncMessage, Duration requeue) {}

  private final SoracomConnections connections;
  private final EventRecorder events;
  private final Clock clock;
  private final RefreshSchedule schedule = new RefreshSchedule();
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();

  public SoracomSimSync(SoracomConnections connections, EventRecorder events, Clock clock) {
    this.connections = connections;
    this.events = events;
    this.clock = clock;
  }

  /** @param vpg the DeviceSubnet's VPG with its effective settings */
  public Outcome refresh(DeviceSubnet subnet, VirtualPrivateGateway vpg) {
    SoracomSimsSpec spec = subnet.getSpec().soracom;
    String uid = subnet.getMetadata().getUid();
    long generation = subnet.getMetadata().getGeneration();
    Instant now = clock.instant();
    Duration interval = Durations.parse(spec.refreshInterval, DEFAULT_INTERVAL);
    SoracomSimsStatus previous = subnet.getStatus() == null ? null : subnet.getStatus().soracom;
    SoracomSimsStatus current = previous == null ? new SoracomSimsStatus() : copy(previous);
    if (vpg.getSpec().soracom == null) {
      return failed(subnet, current, now, interval, new Failure(NOT_CONFIGURED, "spec.soracom needs VirtualPrivateGateway '"
          + vpg.getMetadata().getName() + "' to have spec.soracom: its API credentials are used to list the SIMs", true));
    }
    if (!schedule.shouldCall(uid, generation, now, previous == null || previous.sims == null)) {
      return outcome(subnet, current, failures.get(uid), now);
    }
    String vpgId = vpg.getSpec().soracom.vpgId;
    try {
      SoracomClient client = connections.client(vpg.getSpec().soracom);
      List<SimRecord> sims = list(client, spec);
      Map<String, String> statics = client.listIpAddressMap(vpgId).stream()
          .filter(e -> e.isStatic() && e.key() != null && e.ipAddress() != null)
          .collect(Collectors.toMap(IpAddressMapEntry::key, IpAddressMapEntry::ipAddress, (a, b) -> a));
      List<Cidr> cidrs = subnet.getSpec().cidrs.stream().map(Cidr::parseOrNull).filter(Objects::nonNull)
          .map(Cidr::network).toList();
      Map<String, SimDevice> before = new HashMap<>();
      current.devices.forEach(d -> before.put(d.simId(), d));
      SimDevicePlanner.Result plan = SimDevicePlanner.plan(sims, statics, spec.nameTag, cidrs, subnet.getSpec().devices,
          vpgId, spec.whenOffline, before);
      if (plan.devices().size() > MAX_SIM_DEVICES) {
        return failed(subnet, current, now, interval, new Failure(TOO_MANY, "spec.soracom selects " + plan.devices().size()
            + " publishable SIMs; a DeviceSubnet publishes at most " + MAX_SIM_DEVICES + ": split the SIMs over several"
            + " DeviceSubnets (groups or tags); the devices published before stay as they are", true));
      }
      current.sims = sims.size();
      current.devices = new ArrayList<>(plan.devices());
      current.rejected = new ArrayList<>(plan.rejected().subList(0, Math.min(MAX_REJECTED_LISTED, plan.rejected().size())));
      current.rejectedCount = plan.rejected().size();
      current.lastError = null;
      noteRejected(subnet, previous, current);
      schedule.succeeded(uid, generation, now, interval);
      failures.remove(uid);
      return outcome(subnet, current, null, now);
    } catch (SoracomSetupException e) {
      return failed(subnet, current, now, interval, new Failure(e.reason(), e.getMessage(), true));
    } catch (SoracomException e) {
      current.lastError = ErrorReport.of(e, current.lastError, now);
      return failed(subnet, current, now, interval, e.isTransient()
          ? new Failure(SoracomVerdict.UNAVAILABLE, e.getMessage() + "; the devices published before stay as they are", false)
          : new Failure(SoracomVerdict.API_ERROR, e.getMessage(), true));
    }
  }

  public void forget(String uid) {
    schedule.forget(uid);
    failures.remove(uid);
  }

  private static List<SimRecord> list(SoracomClient client, SoracomSimsSpec spec) {
    if (spec.groupId != null) {
      return client.listSimsInGroup(spec.groupId).stream().filter(s -> s.simId() != null).map(SimRecord::of).toList();
    }
    Map<String, List<Subscriber>> bySim = new LinkedHashMap<>();
    for (Subscriber s : client.listSubscribers(TagFilter.exact(spec.tag.name, spec.tag.value))) {
      String id = s.simId() != null ? s.simId() : s.imsi();
      if (id != null) {
        bySim.computeIfAbsent(id, k -> new ArrayList<>()).add(s);
      }
    }
    return bySim.entrySet().stream().map(e -> SimRecord.of(e.getKey(), e.getValue())).toList();
  }

  private void noteRejected(DeviceSubnet subnet, SoracomSimsStatus previous, SoracomSimsStatus current) {
    List<RejectedSim> before = previous == null ? List.of() : previous.rejected;
    if (!current.rejected.isEmpty() && !current.rejected.equals(before)) {
      String shown = current.rejected.stream().limit(5).map(r -> r.simId() + ": " + r.reason()).collect(Collectors.joining("; "));
      events.warning(subnet, "SimsNotPublished", current.rejectedCount + " SIMs not published (" + shown
          + (current.rejectedCount > 5 ? "; ..." : "") + "); see status.soracom.rejected");
    }
  }

  private Outcome failed(DeviceSubnet subnet, SoracomSimsStatus status, Instant now, Duration interval, Failure failure) {
    String uid = subnet.getMetadata().getUid();
    Failure before = failures.put(uid, failure);
    if (before == null || !before.reason().equals(failure.reason())) {
      LOG.atWarn().addKeyValue("deviceSubnet", subnet.getMetadata().getNamespace() + "/" + subnet.getMetadata().getName())
          .addKeyValue("reason", failure.reason()).addKeyValue("message", failure.message())
          .log("SORACOM SIM refresh failed; keeping the devices published before");
    }
    schedule.failed(uid, subnet.getMetadata().getGeneration(), now, interval);
    return outcome(subnet, status, failure, now);
  }

  private Outcome outcome(DeviceSubnet subnet, SoracomSimsStatus status, Failure failure, Instant now) {
    Duration requeue = schedule.untilNext(subnet.getMetadata().getUid(), now, false);
    if (requeue.compareTo(Duration.ofSeconds(1)) < 0) {
      requeue = Duration.ofSeconds(1);
    }
    SoracomVerdict verdict;
    if (failure != null && failure.needsPerson()) {
      verdict = SoracomVerdict.stalled(failure.reason(), failure.message());
    } else if (status.sims == null) {
      verdict = SoracomVerdict.reconciling(SoracomVerdict.UNAVAILABLE,
          failure != null ? failure.message() : "SIMs not read from SORACOM yet");
    } else {
      verdict = SoracomVerdict.ok();
    }
    if (failure != null) {
      return new Outcome(status, verdict, false, failure.reason(), failure.message(), requeue);
    }
    return new Outcome(status, verdict, true, SYNCED, status.sims + " SIMs read from SORACOM; " + status.devices.size()
        + " published, " + status.rejectedCount + " not", requeue);
  }

  private static SoracomSimsStatus copy(SoracomSimsStatus s) {
    SoracomSimsStatus c = new SoracomSimsStatus();
    c.sims = s.sims;
    c.devices = s.devices == null ? new ArrayList<>() : new ArrayList<>(s.devices);
    c.rejected = s.rejected == null ? new ArrayList<>() : new ArrayList<>(s.rejected);
    c.rejectedCount = s.rejectedCount;
    c.lastError = s.lastError;
    return c;
  }
}
