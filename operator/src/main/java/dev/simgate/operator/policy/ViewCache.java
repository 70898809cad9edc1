package dev.simgate.operator.policy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A controller's cluster-wide view (the same for each of its resources), made again only after an event of the
 * informers it is made of said it may have changed ({@link #changed}), and then by one reconcile while the others wait
 * for it. The generation is read before the caches, so a view made while an event arrived is made again next time.
 *
 * <p>While changes keep coming (a fleet being applied), it is made at most once per {@link #INTERVAL}: a reconcile
 * that finds it stale and younger than that gets null, and comes back after {@link #INTERVAL} (every resource would
 * otherwise make it once per change: a thousand nodes, each making the view of a thousand nodes).
 */
public final class ViewCache<V> {
  public static final Duration INTERVAL = Duration.ofMillis(250);

  private final AtomicLong generation = new AtomicLong();
  private V view; // the fields below under this
  private long viewGeneration;
  private long madeAt;

  /** The view may have changed: every informer the view is made of calls this from its event mapper. */
  public void changed() {
    generation.incrementAndGet();
  }

  /** The view, made by {@code make} if stale; null when stale and made less than {@link #INTERVAL} ago. */
  public synchronized V get(Supplier<V> make) {
    long current = generation.get();
    if (view != null && viewGeneration == current) {
      return view;
    }
    long now = System.nanoTime();
    if (view != null && now - madeAt < INTERVAL.toNanos()) {
      return null;
    }
    view = make.get();
    viewGeneration = current;
    madeAt = now;
    return view;
  }
}
