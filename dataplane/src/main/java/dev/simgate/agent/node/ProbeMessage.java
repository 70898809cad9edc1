package dev.simgate.agent.node;

import java.nio.ByteBuffer;

/**
 * The gate liveness probe over the steering VXLAN, one UDP datagram each way (port {@code --probe-port}): a node
 * asks a gate node's inner address "do you carry traffic for this address?" with a nonce, and the node agent there
 * answers with the same nonce while that address is on an interface that is up with its carrier (the gate agent's,
 * which goes down when its tunnel leads nowhere and away with the agent). 16 bytes: a 4-byte kind, the nonce, the
 * inner address.
 */
record ProbeMessage(Kind kind, long nonce, int address) {
  static final int LENGTH = 16;

  enum Kind {
    QUESTION(0x53475131), // "SGQ1"
    ANSWER(0x53474131); // "SGA1"

    final int magic;

    Kind(int magic) {
      this.magic = magic;
    }
  }

  void write(ByteBuffer out) {
    out.putInt(kind.magic).putLong(nonce).putInt(address);
  }

  /** The message in {@code in} (position to limit), or null when it is none of ours. */
  static ProbeMessage read(ByteBuffer in) {
    if (in.remaining() != LENGTH) {
      return null;
    }
    int magic = in.getInt();
    for (Kind kind : Kind.values()) {
      if (kind.magic == magic) {
        return new ProbeMessage(kind, in.getLong(), in.getInt());
      }
    }
    return null;
  }

  ProbeMessage answer() {
    return new ProbeMessage(Kind.ANSWER, nonce, address);
  }
}
