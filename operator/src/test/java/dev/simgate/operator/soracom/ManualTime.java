package dev.simgate.operator.soracom;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Time that moves only when told: sleeping advances it at once and is recorded, so waits of minutes take no time and
 * tests can assert on what was waited. Actions scheduled with {@link #at} run when time passes their instant.
 */
public final class ManualTime implements InstantSource, Sleeper {
  private record Scheduled(Instant at, Runnable action) {}

  private Instant now;
  private final List<Duration> sleeps = new ArrayList<>();
  private final List<Scheduled> scheduled = new ArrayList<>();

  public ManualTime() {
    this(Instant.parse("2026-08-01T00:00:00Z"));
  }

  public ManualTime(Instant start) {
    this.now = start;
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public void sleep(Duration duration) {
    synchronized (this) {
      sleeps.add(duration);
    }
    advance(duration);
  }

  public void advance(Duration duration) {
    List<Runnable> due = new ArrayList<>();
    synchronized (this) {
      now = now.plus(duration);
      for (var it = scheduled.iterator(); it.hasNext();) {
        Scheduled s = it.next();
        if (!s.at().isAfter(now)) {
          due.add(s.action());
          it.remove();
        }
      }
    }
    due.forEach(Runnable::run);
  }

  /** Runs {@code action} once time reaches {@code at} (on the thread that moves time there). */
  public synchronized void at(Instant at, Runnable action) {
    scheduled.add(new Scheduled(at, action));
  }

  public synchronized List<Duration> sleeps() {
    return Collections.unmodifiableList(new ArrayList<>(sleeps));
  }

  public synchronized Duration slept() {
    return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
  }
}
