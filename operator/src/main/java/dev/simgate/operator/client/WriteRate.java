package dev.simgate.operator.client;

import java.util.function.LongSupplier;

/**
 * A token bucket for the operator's writes to the API server, as client-go's {@code --kube-api-qps} and
 * {@code --kube-api-burst}: {@code burst} writes at once, then {@code perSecond}. A caller over the rate reserves the
 * next free slot and waits for it, so writers queue in order and the API server sees a steady rate however many
 * reconciles run at once.
 */
public final class WriteRate {
  private final double perSecond;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  public WriteRate(double perSecond, int burst) {
    this(perSecond, burst, System::nanoTime);
  }

  WriteRate(double perSecond, int burst, LongSupplier nanoTime) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("writes per second must be positive and the burst at least 1, were "
          + perSecond + " and " + burst);
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  /** Takes a slot: how long the caller must wait before it may write, in nanoseconds (0: at once). */
  public synchronized long reserve() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * perSecond / 1e9);
    last = now;
    tokens -= 1;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perSecond * 1e9);
  }

  public double perSecond() {
    return perSecond;
  }

  public int burst() {
    return (int) burst;
  }
}
