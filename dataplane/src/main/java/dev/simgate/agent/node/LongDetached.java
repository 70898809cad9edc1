package dev.simgate.agent.node;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which gate agents' interfaces no process has held for at least {@code limit}: what an agent killed with SIGKILL
 * left, and no successor came for (its GatePeer or the node's label went meanwhile; other GatePeers keep the node
 * agent running). The limit is longer than the kubelet's longest crash back-off (5 min), so an agent that keeps
 * restarting holds its interface again in time. An interface is the same one while its ifindex and its count of
 * carrier changes stay: an agent that attached meanwhile, however briefly, starts the clock again.
 */
final class LongDetached {
  private final long limitNanos;
  /** By name: the interface's identity (ifindex and carrier changes) and since when it was seen so. */
  private final Map<String, Seen> seen = new HashMap<>();

  private record Seen(String identity, long sinceNanos) {}

  LongDetached(Duration limit) {
    this.limitNanos = limit.toNanos();
  }

  /**
   * @param detached the detached interfaces now, by name, each with its identity
   * @return those detached, as the same interface, for at least the limit; each once: one still there after that
   *     (its removal failed) starts the clock again, rather than being tried every time
   */
  Set<String> due(Map<String, String> detached, long nowNanos) {
    seen.keySet().retainAll(detached.keySet());
    Set<String> due = new TreeSet<>();
    detached.forEach((name, identity) -> {
      Seen before = seen.get(name);
      if (before == null || !before.identity().equals(identity)) {
        seen.put(name, new Seen(identity, nowNanos));
      } else if (nowNanos - before.sinceNanos() >= limitNanos) {
        due.add(name);
        seen.put(name, new Seen(identity, nowNanos));
      }
    });
    return due;
  }
}
