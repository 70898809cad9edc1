package dev.simgate.operator.devicesubnet;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DeviceSubnets whose deletion this operator has seen, by uid. A deletion wakes the DeviceSubnets waiting for the range
 * it held through a second informer, which may hear of it before the controller's own cache drops the object: a
 * waiter reconciled in between would still count the deleted holder as live and wait on, with nothing to wake it again.
 * Uids are never reused, so remembering one for a while is always right; entries go after {@link #KEPT}.
 */
final class RecentlyDeleted {
  static final Duration KEPT = Duration.ofMinutes(10);

  private final Map<String, Long> deleted = new ConcurrentHashMap<>();

  void add(String uid) {
    long now = System.nanoTime();
    deleted.values().removeIf(at -> now - at > KEPT.toNanos());
    deleted.put(uid, now);
  }

  boolean contains(String uid) {
    return deleted.containsKey(uid);
  }
}
