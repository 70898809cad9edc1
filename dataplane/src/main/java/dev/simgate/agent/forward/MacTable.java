package dev.simgate.agent.forward;

import java.util.Arrays;

/**
 * Learned inner MAC → VPG peer index, with ageing; owned by the event loop (not thread-safe).
 *
 * <p>Open addressing with linear probing over primitive arrays sized once, so learning and lookup
 * never allocate and memory is bounded (16,384 entries: 32,768 slots of 21 bytes, about 690 KiB).
 * Deletion uses backward shifting, so there are no tombstones.
 *
 * <p>When the table is full a new MAC takes the place of an old one, chosen by a clock hand that
 * sweeps the slots: an expired entry goes at once; an entry used since the hand last passed
 * (learned again or looked up) loses that mark and stays; an unused one goes. So a flood of new
 * source MACs, each seen once, evicts its own kind while the MACs that carry traffic stay, and an
 * insertion looks at no more than {@link #EVICTION_STEPS} slots (O(1)); when none of those can go,
 * the new MAC is not learned and its frames flood, which is correct, only less efficient.
 */
public final class MacTable {
  private static final long EMPTY = 0L;
  public static final int NO_PEER = -1;
  /** Slots the clock hand looks at, at most, to make room for one new MAC. */
  static final int EVICTION_STEPS = 64;

  private final long[] macs;
  private final int[] peers;
  private final long[] lastSeen;
  /** Used since the clock hand last passed (learned again or looked up). */
  private final boolean[] used;
  private final int mask;
  private final int maxEntries;
  private long ageingNanos;
  private int size;
  private int hand;
  /** Slots the clock hand has looked at: what a full table costs. */
  private long evictionSteps;
  private long evictions;

  /**
   * @param maxEntries entries kept at most (the arrays hold twice as many slots)
   * @param ageingNanos an entry not refreshed for this long is forgotten
   */
  public MacTable(int maxEntries, long ageingNanos) {
    int slots = Integer.highestOneBit(Math.max(4, maxEntries) * 2 - 1) << 1;
    this.macs = new long[slots];
    this.peers = new int[slots];
    this.lastSeen = new long[slots];
    this.used = new boolean[slots];
    this.mask = slots - 1;
    this.maxEntries = maxEntries;
    this.ageingNanos = ageingNanos;
  }

  /** Records that {@code mac} was seen behind {@code peer} at {@code now} (System.nanoTime()). */
  public void learn(long mac, int peer, long now) {
    int slot = find(mac);
    if (macs[slot] == mac) {
      peers[slot] = peer;
      lastSeen[slot] = now;
      used[slot] = true;
      return;
    }
    if (size >= maxEntries) {
      if (!evictOne(now)) {
        return;
      }
      slot = find(mac);
    }
    macs[slot] = mac;
    peers[slot] = peer;
    lastSeen[slot] = now;
    used[slot] = false;
    size++;
  }

  /** Frees one slot by the clock (see the class comment); false when none of the next slots may go. */
  private boolean evictOne(long now) {
    for (int step = 0; step < EVICTION_STEPS; step++) {
      int slot = hand;
      hand = (hand + 1) & mask;
      evictionSteps++;
      if (macs[slot] == EMPTY) {
        continue;
      }
      if (used[slot] && now - lastSeen[slot] <= ageingNanos) {
        used[slot] = false;
        continue;
      }
      removeSlot(slot);
      evictions++;
      return true;
    }
    return false;
  }

  /** Slots the clock hand has looked at to make room, and entries it evicted (for tests and metrics). */
  long evictionSteps() {
    return evictionSteps;
  }

  long evictions() {
    return evictions;
  }

  /** The peer {@code mac} was learned from, or {@link #NO_PEER} if unknown or expired. */
  public int lookup(long mac, long now) {
    int slot = find(mac);
    if (macs[slot] != mac || mac == EMPTY) {
      return NO_PEER;
    }
    if (now - lastSeen[slot] > ageingNanos) {
      removeSlot(slot);
      return NO_PEER;
    }
    used[slot] = true;
    return peers[slot];
  }

  /** Changes the ageing time (config reload); applies to existing entries too. */
  public void setAgeing(long nanos) {
    this.ageingNanos = nanos;
  }

  /** Forgets expired entries. */
  public void sweep(long now) {
    removeIf(slot -> now - lastSeen[slot] > ageingNanos);
  }

  /**
   * Re-points entries after the peer list changed: {@code oldToNew[old]} is the new index, or
   * {@link #NO_PEER} to drop every entry learned from a peer that is gone.
   */
  public void remapPeers(int[] oldToNew) {
    removeIf(slot -> peers[slot] >= oldToNew.length || oldToNew[peers[slot]] == NO_PEER);
    for (int slot = 0; slot < macs.length; slot++) {
      if (macs[slot] != EMPTY) {
        peers[slot] = oldToNew[peers[slot]];
      }
    }
  }

  /** Drops every entry learned from {@code peer} (e.g. a peer that stopped answering). */
  public void flushPeer(int peer) {
    removeIf(slot -> peers[slot] == peer);
  }

  public void clear() {
    Arrays.fill(macs, EMPTY);
    size = 0;
  }

  public int size() {
    return size;
  }

  private interface SlotPredicate {
    boolean test(int slot);
  }

  private void removeIf(SlotPredicate doomed) {
    int slot = 0;
    while (slot < macs.length) {
      // After a backward shift the same slot holds a new entry: look at it again.
      if (macs[slot] != EMPTY && doomed.test(slot)) {
        removeSlot(slot);
      } else {
        slot++;
      }
    }
  }

  private int find(long mac) {
    int slot = hash(mac) & mask;
    while (macs[slot] != EMPTY && macs[slot] != mac) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private void removeSlot(int slot) {
    int hole = slot;
    int next = (hole + 1) & mask;
    while (macs[next] != EMPTY) {
      int home = hash(macs[next]) & mask;
      // Move the entry back into the hole unless its home lies cyclically in (hole, next].
      boolean stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
      if (!stays) {
        macs[hole] = macs[next];
        peers[hole] = peers[next];
        lastSeen[hole] = lastSeen[next];
        used[hole] = used[next];
        hole = next;
      }
      next = (next + 1) & mask;
    }
    macs[hole] = EMPTY;
    size--;
  }

  private static int hash(long mac) {
    long h = mac * 0x9E37_79B9_7F4A_7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
