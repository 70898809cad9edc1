package dev.simgate.agent.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether this node carries traffic for an inner address: the address is on an interface that is up and has its
 * carrier. A gate agent's TAP has its carrier while the agent holds it, is taken down while its tunnel leads nowhere,
 * and goes away with the agent; the kernel alone would keep answering for an address on a down link. Answers are
 * kept for {@value #CACHE_MILLIS} ms: every node probes every gate.
 */
final class LocalGateCheck {
  static final long CACHE_MILLIS = 200;

  private final Path sysClassNet;
  private final ConcurrentHashMap<Integer, long[]> cache = new ConcurrentHashMap<>();

  LocalGateCheck() {
    this(Path.of("/sys/class/net"));
  }

  LocalGateCheck(Path sysClassNet) {
    this.sysClassNet = sysClassNet;
  }

  boolean carries(int address) {
    long now = System.nanoTime();
    long[] known = cache.get(address);
    if (known != null && now - known[0] < CACHE_MILLIS * 1_000_000) {
      return known[1] == 1;
    }
    boolean carries = look(address);
    cache.put(address, new long[] {now, carries ? 1 : 0});
    return carries;
  }

  private boolean look(int address) {
    try {
      NetworkInterface holder = NetworkInterface.getByInetAddress(InetAddress.getByAddress(bytes(address)));
      return holder != null && holder.isUp() && carrier(holder.getName());
    } catch (SocketException | UnknownHostException e) {
      return false;
    }
  }

  /** {@code carrier} is "1" with a carrier; reading it fails while the link is down. */
  private boolean carrier(String name) {
    try {
      return Files.readString(sysClassNet.resolve(name).resolve("carrier")).strip().equals("1");
    } catch (IOException e) {
      return false;
    }
  }

  private static byte[] bytes(int address) {
    return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
  }
}
