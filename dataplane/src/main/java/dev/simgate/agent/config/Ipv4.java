package dev.simgate.agent.config;

import java.util.regex.Pattern;

/** An IPv4 address held as an int in network order (first octet most significant). */
public record Ipv4(int bits) {
  private static final Pattern DOTTED = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  /** Parses dotted-quad text; returns null if it is not exactly an IPv4 address. */
  public static Ipv4 parseOrNull(String text) {
    var m = DOTTED.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    int bits = 0;
    for (int i = 1; i <= 4; i++) {
      int octet = Integer.parseInt(m.group(i));
      if (octet > 255) {
        return null;
      }
      bits = (bits << 8) | octet;
    }
    return new Ipv4(bits);
  }

  public static Ipv4 parse(String text) {
    Ipv4 address = parseOrNull(text);
    if (address == null) {
      throw new IllegalArgumentException("not an IPv4 address: " + text);
    }
    return address;
  }

  @Override
  public String toString() {
    return (bits >>> 24) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "." + (bits & 0xFF);
  }
}
