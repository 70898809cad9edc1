package dev.simgate.agent.forward;

import dev.simgate.contract.agentconfig.AgentConfig;
import java.lang.foreign.Arena;
import java.util.function.IntConsumer;

/**
 * The packet path: a {@link Receiver} (VXLAN → TAP) and a {@link Transmitter} (TAP → VXLAN) sharing the VPG peers,
 * the {@link Prober} that checks them, the learned MACs and the drop counters. Everything here runs on one event-loop
 * thread and touches only memory it owns, so there are no locks, and nothing on the path allocates: buffers, message
 * vectors and sockaddrs are native memory allocated once. Level-triggered epoll: each wakeup drains up to
 * {@link #BUDGET} batches and returns.
 */
public final class Forwarder {
  static final int BUDGET = 8;
  private static final int MAC_ENTRIES = 16_384;

  private final Arena arena = Arena.ofShared();
  private final VpgPeers peers = new VpgPeers(arena);
  private final DropCounters drops = new DropCounters();
  private final MacTable macs;
  private final Prober prober;
  private final Receiver receiver;
  private final Transmitter transmitter;
  private int vni;

  /**
   * Must be constructed and used on the event loop.
   *
   * @param ownMac the TAP's MAC: frames from a VPG peer with it as source went round a loop
   * @param onTapLost called once, with the errno, when reading the TAP fails for good
   * @param onPeerState told on the loop when a VPG peer goes up or down (must not block)
   */
  public Forwarder(TapPort tap, long ownMac, UdpPort udp, AgentConfig config, IntConsumer onTapLost,
      PeerStateListener onPeerState) {
    this.macs = new MacTable(MAC_ENTRIES, config.settings().macAgeing().toNanos());
    this.prober = new Prober(arena, peers, macs, ownMac, onPeerState);
    this.receiver = new Receiver(arena, tap, peers, prober, macs, drops, ownMac);
    this.transmitter = new Transmitter(arena, tap, peers, prober, macs, drops, onTapLost);
    reconfigure(config, udp);
  }

  /** Told when a VPG peer starts or stops answering its probes; {@code peersUp} counts those that answer. */
  public interface PeerStateListener {
    void changed(String peer, String state, int peersUp);
  }

  /**
   * Applies VNI, VPG peer, probe and socket changes; learned MACs of VPG peers that stay are kept, those of removed
   * ones dropped (all of them when the VNI changes). Runs on the event loop (off the hot path, so it may allocate).
   */
  public void reconfigure(AgentConfig config, UdpPort udp) {
    var settings = config.settings();
    macs.remapPeers(peers.replace(settings.vpgPeers(), settings.port()));
    macs.setAgeing(settings.macAgeing().toNanos());
    if (settings.vni() != vni) {
      macs.clear();
    }
    vni = settings.vni();
    receiver.use(udp, vni);
    transmitter.use(udp, vni);
    prober.use(config, udp);
  }

  /** VXLAN → TAP. Called by the event loop when the UDP socket is readable. */
  public void onDatagramsReadable() {
    receiver.onReadable(BUDGET);
  }

  /** TAP → VXLAN. Called by the event loop when the TAP is readable. */
  public void onFramesReadable() {
    transmitter.onReadable(BUDGET);
  }

  /** One probe round: judges and probes every VPG peer; scheduled every {@code probe.intervalMillis} on the loop. */
  public void probe() {
    prober.round(System.nanoTime());
  }

  /** Forgets expired MAC entries; scheduled periodically on the loop. */
  public void sweep() {
    macs.sweep(System.nanoTime());
  }

  /** VPG peers that answer their probes (all of them when probing is off); any thread. */
  public int peersUp() {
    return peers.upCount();
  }

  /** Whether any VPG peer has answered since the start; any thread. */
  public boolean answeredOnce() {
    return peers.answeredOnce();
  }

  /** A copy of the counters; call on the event loop. */
  public Stats stats() {
    return new Stats(peers.stats(), drops.snapshot(), macs.size(), receiver.coalesced(), transmitter.coalesced());
  }

  /** Frees the native buffers; call on the event loop after both handles are deregistered. */
  public void close() {
    arena.close();
  }
}
