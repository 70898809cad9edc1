package dev.simgate.operator.soracom.link;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each object (by uid) may call SORACOM next. Reconciles come often (every GatePeer or VPG status change); the API
 * is called only when the refresh interval has passed, the spec changed, or there is work to do, and after a failure
 * not before a backoff has passed (5 s doubling up to the refresh interval), so an outage never turns into a loop of
 * calls. In memory only: after a restart every object is read once, paced by the client's rate limiter.
 */
public final class RefreshSchedule {
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);

  private record Entry(long generation, Instant nextRefresh, Instant notBefore, int failures) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /** Whether to call the API now: never before a failure's backoff ends, unless the spec changed. */
  public boolean shouldCall(String uid, long generation, Instant now, boolean workToDo) {
    Entry e = entries.get(uid);
    if (e == null || e.generation() != generation) {
      return true;
    }
    if (now.isBefore(e.notBefore())) {
      return false;
    }
    return workToDo || !now.isBefore(e.nextRefresh());
  }

  public void succeeded(String uid, long generation, Instant now, Duration interval) {
    entries.put(uid, new Entry(generation, now.plus(interval), now, 0));
  }

  /** A failed call: the next one waits 5 s, 10 s, 20 s, ... at most {@code interval}. */
  public void failed(String uid, long generation, Instant now, Duration interval) {
    Entry e = entries.get(uid);
    int failures = e == null || e.generation() != generation ? 1 : e.failures() + 1;
    Duration backoff = FIRST_BACKOFF.multipliedBy(1L << Math.min(failures - 1, 20));
    if (backoff.compareTo(interval) > 0) {
      backoff = interval;
    }
    Instant refresh = e == null ? now.plus(interval) : e.nextRefresh();
    entries.put(uid, new Entry(generation, refresh, now.plus(backoff), failures));
  }

  /** How long until the next call is allowed and due (with work to do: as soon as allowed). */
  public Duration untilNext(String uid, Instant now, boolean workToDo) {
    Entry e = entries.get(uid);
    if (e == null) {
      return Duration.ZERO;
    }
    Instant next = workToDo ? e.notBefore() : later(e.notBefore(), e.nextRefresh());
    Duration wait = Duration.between(now, next);
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  public void forget(String uid) {
    entries.remove(uid);
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
