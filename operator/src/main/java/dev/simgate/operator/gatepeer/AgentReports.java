package dev.simgate.operator.gatepeer;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each agent last said about itself on its {@code /status}, by GatePeer and node: whether it is ready and how
 * it sees each VPG peer. Filled by {@link AgentStatusPoller}, read by {@link GatePeerReconciler}. Thread-safe.
 */
public final class AgentReports {
  /** One VPG peer as one agent sees it; {@code rttSeconds} null before the first answer. */
  public record PeerReport(String address, String state, Double rttSeconds) {
    boolean reachable() {
      return "up".equals(state);
    }
  }

  /** One agent's report. */
  public record Report(boolean ready, String reason, List<PeerReport> vpgPeers) {
    public Report {
      vpgPeers = List.copyOf(vpgPeers);
    }

    /** Equal but for round-trip times: nothing an operator acts on changed. */
    boolean sameStates(Report other) {
      return other != null && ready == other.ready && vpgPeers.size() == other.vpgPeers.size()
          && java.util.stream.IntStream.range(0, vpgPeers.size()).allMatch(i ->
              vpgPeers.get(i).address().equals(other.vpgPeers.get(i).address())
                  && vpgPeers.get(i).state().equals(other.vpgPeers.get(i).state()));
    }
  }

  /** How a new report differs from the one before. */
  public enum Change {
    NONE,
    /** Only round-trip times moved. */
    RTT,
    /** Readiness or a peer's state changed, or the report appeared or went. */
    STATE
  }

  private final Map<String, Map<String, Report>> byGatePeer = new ConcurrentHashMap<>();

  public Optional<Report> get(String gatePeer, String node) {
    return Optional.ofNullable(byGatePeer.getOrDefault(gatePeer, Map.of()).get(node));
  }

  public Change put(String gatePeer, String node, Report report) {
    Report before = byGatePeer.computeIfAbsent(gatePeer, k -> new ConcurrentHashMap<>()).put(node, report);
    if (report.sameStates(before)) {
      return Objects.equals(before, report) ? Change.NONE : Change.RTT;
    }
    return Change.STATE;
  }

  /** The agent has not answered for a while: what it said last is no longer known to hold. */
  public Change forget(String gatePeer, String node) {
    Map<String, Report> reports = byGatePeer.get(gatePeer);
    return reports != null && reports.remove(node) != null ? Change.STATE : Change.NONE;
  }

  /** Keeps only the agents that still exist (by GatePeer, then node). */
  void retain(Map<String, java.util.Set<String>> agents) {
    byGatePeer.keySet().retainAll(agents.keySet());
    byGatePeer.forEach((gatePeer, reports) -> reports.keySet().retainAll(agents.getOrDefault(gatePeer, java.util.Set.of())));
  }
}
