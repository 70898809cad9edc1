package dev.simgate.operator.policy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A controller's cluster-wide view (the same for each of its resources), made again only after an event of the
 * informers it is made of said it may have changed ({@link #changed}), and then by one reconcile. The generation is
 * read before the caches, so a view made while an event arrived is made again next time.
 *
 * <p>A reconcile that finds it stale gets null, and comes back after {@link #INTERVAL}, while another reconcile makes
 * it, and while it is younger than that: while changes keep coming (a fleet being applied) it is made at most once per
 * interval, and no reconcile thread waits for another (every resource would otherwise make it once per change: a
 * thousand nodes, each making the view of a thousand nodes, or four threads waiting for one).
 */
public final class ViewCache<V> {
  public static final Duration INTERVAL = Duration.ofMillis(250);

  private final AtomicLong generation = new AtomicLong();
  private final ReentrantLock making = new ReentrantLock();
  private volatile Made<V> made;

  private record Made<V>(V view, long generation, long at) {}

  /** The view may have changed: every informer the view is made of calls this from its event mapper. */
  public void changed() {
    generation.incrementAndGet();
  }

  /** The last view made, stale or not; null before the first. */
  public V latest() {
    Made<V> last = made;
    return last == null ? null : last.view();
  }

  /**
   * The view, made by {@code make} if stale; null when stale and another reconcile is making it, or it was made less
   * than {@link #INTERVAL} ago.
   */
  public V get(Supplier<V> make) {
    long current = generation.get();
    Made<V> last = made;
    if (last != null && last.generation() == current) {
      return last.view();
    }
    long now = System.nanoTime();
    if (last != null && now - last.at() < INTERVAL.toNanos() || !making.tryLock()) {
      return null;
    }
    try {
      last = made;
      if (last != null && last.generation() == current) {
        return last.view(); // made meanwhile
      }
      Made<V> fresh = new Made<>(make.get(), current, now);
      made = fresh;
      return fresh.view();
    } finally {
      making.unlock();
    }
  }
}
