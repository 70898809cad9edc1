package dev.simgate.agent.forward;

import java.util.Arrays;

/**
 * Learned inner MAC → VPG peer index, with ageing; owned by the event loop (not thread-safe).
 *
 * <p>Open addressing with linear probing over primitive arrays, so learning and lookup never
 * allocate. Deletion uses backward shifting, so there are no tombstones. When the table is full,
 * expired entries are swept; if it is still full, new MACs are not learned (their frames are
 * flooded, which is correct, only less efficient).
 */
public final class MacTable {
  private static final long EMPTY = 0L;
  public static final int NO_PEER = -1;

  private final long[] macs;
  private final int[] peers;
  private final long[] lastSeen;
  private final int mask;
  private final int maxEntries;
  private long ageingNanos;
  private int size;

  /**
   * @param maxEntries entries kept at most (the arrays hold twice as many slots)
   * @param ageingNanos an entry not refreshed for this long is forgotten
   */
  public MacTable(int maxEntries, long ageingNanos) {
    int slots = Integer.highestOneBit(Math.max(4, maxEntries) * 2 - 1) << 1;
    this.macs = new long[slots];
    this.peers = new int[slots];
    this.lastSeen = new long[slots];
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
      return;
    }
    if (size >= maxEntries) {
      sweep(now);
      if (size >= maxEntries) {
        return;
      }
      slot = find(mac);
    }
    macs[slot] = mac;
    peers[slot] = peer;
    lastSeen[slot] = now;
    size++;
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
