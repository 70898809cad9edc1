package dev.simgate.agent.forward;

import dev.simgate.agent.offload.TcpCoalescer;
import dev.simgate.agent.offload.VirtioNetHeader;
import dev.simgate.agent.udp.MessageVector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Writes the decapsulated frames of one receive batch to the TAP, in order. Consecutive TCP
 * segments of one flow are held back and leave as one super-frame ({@link TcpCoalescer}): its
 * first frame's headers, then every segment's payload straight from its receive slot, gathered by
 * one {@code writev}. Everything else is written as it is. Each frame must have
 * {@link VirtioNetHeader#LENGTH} bytes of room just before it, and stay put until {@link #flush}.
 * Runs on the event loop; allocates nothing after construction.
 */
final class TapWriter {
  private final TapPort tap;
  private final MemorySegment slots;
  private final MemorySegment iovecs;
  private final int maxSegments;

  /** The super-frame being gathered: its first frame (offset in {@link #slots}), or -1 for none. */
  private long first = -1;
  private int firstLength;
  private int headers;
  private int mss;
  private int payload;
  private int segments;
  private int nextSequence;
  /** Its last segment was short or had PSH: nothing may follow it. */
  private boolean closed;
  private boolean push;
  private long coalesced;

  TapWriter(TapPort tap, MemorySegment slots, int maxSegments, Arena arena) {
    this.tap = tap;
    this.slots = slots;
    this.maxSegments = maxSegments;
    this.iovecs = arena.allocate((long) MessageVector.IOVEC * (1 + maxSegments), 8); // headers, then payloads
  }

  /**
   * Writes, or holds back, the frame of {@code length} bytes at {@code frame} in the slots.
   *
   * @return how many frames the TAP refused (a refused super-frame loses all of its segments)
   */
  int offer(long frame, int length) {
    int candidate = TcpCoalescer.headerLength(slots, frame, length);
    int lost = 0;
    if (first >= 0) {
      int segment = length - candidate;
      if (candidate == headers && !closed && segments < maxSegments && segment <= mss
          && TcpCoalescer.fits(headers, payload + segment)
          && TcpCoalescer.continues(slots, first, headers, frame, nextSequence)) {
        append(frame + candidate, segment, TcpCoalescer.push(slots, frame));
        return 0;
      }
      lost = flush();
    }
    if (candidate < 0) {
      return lost + writeAlone(frame, length);
    }
    first = frame;
    firstLength = length;
    headers = candidate;
    mss = length - candidate;
    payload = 0;
    segments = 0;
    nextSequence = TcpCoalescer.sequence(slots, frame);
    push = false;
    closed = false;
    MessageVector.setIovec(iovecs, 0, slots.address() + frame - VirtioNetHeader.LENGTH,
        VirtioNetHeader.LENGTH + candidate);
    append(frame + candidate, mss, TcpCoalescer.push(slots, frame));
    return lost;
  }

  private void append(long segmentPayload, int length, boolean psh) {
    segments++;
    MessageVector.setIovec(iovecs, segments, slots.address() + segmentPayload, length);
    payload += length;
    nextSequence += length;
    push = psh;
    closed = psh || length < mss;
  }

  /** Writes the super-frame being gathered, if any. Call at the end of every batch. */
  int flush() {
    if (first < 0) {
      return 0;
    }
    long frame = first;
    first = -1;
    if (segments == 1) {
      return writeAlone(frame, firstLength);
    }
    TcpCoalescer.finish(slots, frame - VirtioNetHeader.LENGTH, frame, headers, payload, mss, push);
    coalesced += segments - 1;
    long expected = VirtioNetHeader.LENGTH + headers + payload;
    return tap.writev(iovecs.address(), segments + 1) == expected ? 0 : segments;
  }

  private int writeAlone(long frame, int length) {
    long start = frame - VirtioNetHeader.LENGTH;
    VirtioNetHeader.clear(slots, start); // "a complete frame, no offloads"
    int written = VirtioNetHeader.LENGTH + length;
    return tap.write(slots.address() + start, written) == written ? 0 : 1;
  }

  /** Frames that were merged into an earlier one's write (TAP writes saved). */
  long coalesced() {
    return coalesced;
  }
}
