package dev.simgate.agent.node;

/**
 * Whether one gate node carries traffic, as its probes say. Each round judges the previous probe and sends the next;
 * {@code failureThreshold} unanswered in a row make it down, an answer makes it up. A gate not judged yet counts as up:
 * a node agent that takes a node over keeps the routes it found until the probes say otherwise. Single-threaded (the
 * prober's lock).
 */
final class GateLiveness {
  enum State {
    PENDING, UP, DOWN
  }

  private State state = State.PENDING;
  private long awaitedNonce;
  private boolean awaiting;
  private int misses;
  long probesSent;
  long answers;

  State state() {
    return state;
  }

  /** Whether traffic may go to this gate: up, or not judged yet. */
  boolean carries() {
    return state != State.DOWN;
  }

  /**
   * Judges the last probe before the next is sent.
   *
   * @return true if this made the gate go down
   */
  boolean judge(int failureThreshold) {
    if (!awaiting) {
      return false;
    }
    misses++;
    if (misses >= failureThreshold && state != State.DOWN) {
      state = State.DOWN;
      return true;
    }
    return false;
  }

  void sent(long nonce) {
    awaitedNonce = nonce;
    awaiting = true;
    probesSent++;
  }

  /**
   * An answer with {@code nonce}: only one to the latest probe counts (an old one says nothing about now).
   *
   * @return true if the gate was down (traffic may go to it again)
   */
  boolean answered(long nonce) {
    if (!awaiting || nonce != awaitedNonce) {
      return false;
    }
    answers++;
    awaiting = false;
    misses = 0;
    if (state == State.UP) {
      return false;
    }
    boolean wasDown = state == State.DOWN;
    state = State.UP;
    return wasDown;
  }
}
