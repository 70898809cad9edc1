package dev.simgate.operator.soracom;

import java.time.Duration;

/** Waits. Injected beside an {@code InstantSource} so that tests move time forward instead of waiting for it. */
@FunctionalInterface
public interface Sleeper {
  Sleeper SYSTEM = duration -> Thread.sleep(duration);

  void sleep(Duration duration) throws InterruptedException;
}
