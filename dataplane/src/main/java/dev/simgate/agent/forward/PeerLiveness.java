package dev.simgate.agent.forward;

import java.util.Locale;

/**
 * Whether one VPG peer answers its probes. Each probe round judges the previous probe (answered or not) and sends the
 * next; a peer whose probes stay unanswered {@code failureThreshold} rounds in a row is {@link State#DOWN}, and any
 * answer makes it {@link State#UP} again. Round-trip times go to a histogram. Plain fields: the event loop alone reads
 * and writes them.
 */
final class PeerLiveness {
  /** What is known about the peer; the {@code state} label of the metrics and the status. */
  enum State {
    /** Not answered yet (just started or just configured): flooded to like an up peer, but proves nothing. */
    PENDING,
    UP,
    DOWN;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  final RttHistogram rtt = new RttHistogram();
  private State state = State.PENDING;
  private boolean awaiting;
  private long sentNanos;
  private int misses;
  private long lastRttNanos = -1;
  long probesSent;
  long replies;
  long wentUp;
  long wentDown;

  State state() {
    return state;
  }

  /** The last measured round trip, or -1 before the first answer. */
  long lastRttNanos() {
    return lastRttNanos;
  }

  /**
   * Judges the last probe before the next is sent: unanswered, it is a miss.
   *
   * @return true if this miss made the peer go down
   */
  boolean judge(int failureThreshold) {
    if (!awaiting) {
      return false;
    }
    misses++;
    if (misses >= failureThreshold && state != State.DOWN) {
      state = State.DOWN;
      wentDown++;
      return true;
    }
    return false;
  }

  void sent(long now) {
    awaiting = true;
    sentNanos = now;
    probesSent++;
  }

  /**
   * An answer. Its round trip is measured against the latest probe (ARP has no sequence number, so an answer that
   * arrives after the next probe went out reads short: keep the interval above the VPG's round trip).
   *
   * @return true if the answer brought the peer up
   */
  boolean answered(long now) {
    replies++;
    if (awaiting) {
      lastRttNanos = now - sentNanos;
      rtt.record(lastRttNanos);
      awaiting = false;
    }
    misses = 0;
    if (state == State.UP) {
      return false;
    }
    state = State.UP;
    wentUp++;
    return true;
  }

  /** Probing is off ({@code probe.kind: none}): the peer counts as up, for ever. */
  void assumeUp() {
    state = State.UP;
    awaiting = false;
    misses = 0;
  }
}
