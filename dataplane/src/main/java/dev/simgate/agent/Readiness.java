package dev.simgate.agent;

import dev.simgate.agent.admin.Health;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What {@code /readyz} says, with the reason: ready only while the config in force is the config file's, the
 * interface is up with it, and at least one VPG peer answers its probes. Each part is set by whoever knows it (the
 * agent's lifecycle, the reload path, the packet path's count of answering peers); any thread may ask.
 *
 * <p>At start no peer has answered yet: for a grace period the reason says so ("waiting"), and only after it the
 * agent says that no VPG peer answers. Either way it is not ready: a rolling update must not move on to the next node
 * before this one's tunnel is shown to work, which normally takes one probe round trip.
 */
final class Readiness {
  private final LongSupplier clock;
  private volatile String lifecycle = "starting";
  private volatile String configProblem;
  private volatile IntSupplier peersUp = () -> 0;
  private volatile BooleanSupplier answeredOnce = () -> false;
  private volatile int peers;
  private volatile String probeTarget;
  private volatile long since;
  private volatile Duration grace = Duration.ZERO;

  Readiness() {
    this(System::nanoTime);
  }

  Readiness(LongSupplier clock) {
    this.clock = clock;
    this.since = clock.getAsLong();
  }

  /** Not serving, with why (starting, waiting for this node's entry, handed over, stopping). */
  void notServing(String why) {
    lifecycle = why;
  }

  /**
   * The interface and socket are up; readiness now follows the VPG peers.
   *
   * @param peersUp how many VPG peers answer (any thread)
   * @param answeredOnce whether any has answered yet (any thread)
   * @param target what the probes ask for, for the reason text
   * @param grace how long to wait for a first answer before saying none comes
   */
  void serving(IntSupplier peersUp, BooleanSupplier answeredOnce, int peers, String target, Duration grace) {
    this.peersUp = peersUp;
    this.answeredOnce = answeredOnce;
    this.peers = peers;
    this.probeTarget = target;
    this.grace = grace;
    this.since = clock.getAsLong();
    this.lifecycle = null;
  }

  /** The peer count or probe target changed with a reload. */
  void peers(int count, String target) {
    peers = count;
    probeTarget = target;
  }

  /** The config file asks for something that is not in force (null: it is); the reason says what. */
  void configProblem(String problem) {
    configProblem = problem;
  }

  String configProblem() {
    return configProblem;
  }

  /**
   * Whether the tunnel has stopped leading anywhere: serving, a VPG peer answered since the start, and none answers
   * now. The interface goes down meanwhile ({@link Agent#tunnelUp(boolean)}). Probes that were never answered prove
   * nothing about the tunnel (the probe address may be what is wrong): then the interface stays up, failing open like
   * the floods, and only readiness says that no peer answers.
   */
  boolean tunnelLost() {
    return lifecycle == null && peersUp.getAsInt() == 0 && answeredOnce.getAsBoolean();
  }

  Health verdict() {
    String notServing = lifecycle;
    if (notServing != null) {
      return new Health(false, notServing);
    }
    String problem = configProblem;
    if (problem != null) {
      return new Health(false, "config not in force: " + problem);
    }
    int up = peersUp.getAsInt();
    if (up > 0) {
      return new Health(true, up + "/" + peers + " VPG peers answer");
    }
    boolean waiting = !answeredOnce.getAsBoolean() && clock.getAsLong() - since < grace.toNanos();
    return new Health(false, waiting
        ? "waiting for a VPG peer to answer (" + probeTarget + ")"
        : "no VPG peer answers (" + probeTarget + "): check the underlay path to the peers, or set probe.address to an"
            + " inner address the VPG answers for");
  }
}
