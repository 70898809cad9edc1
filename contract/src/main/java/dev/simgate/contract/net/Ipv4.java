package dev.simgate.contract.net;

/**
 * An IPv4 address, held as an int in network order (first octet most significant).
 *
 * <p>The one rule for IPv4 text anywhere in SimGate (resources, agent config, operator): four decimal octets 0..255
 * joined by dots, each of ASCII digits without a sign or a leading zero ({@code 0} itself is fine), and nothing else,
 * not even white space. That is what Go's {@code netip.ParseAddr} accepts for IPv4, so it is also what the CRDs' CEL
 * rules ({@code isIP}, {@code ip()}) accept; the operator's tests check both against one table on a real
 * kube-apiserver. Leading zeros are refused because tools disagree on them: {@code inet_aton} reads {@code 010} as
 * octal 8.
 */
public record Ipv4(int bits) implements Comparable<Ipv4> {

  /** Parses dotted-quad text by the rule above; null if it is not one. */
  public static Ipv4 parseOrNull(String text) {
    if (text == null) {
      return null;
    }
    int length = text.length();
    int at = 0;
    int bits = 0;
    for (int octet = 0; octet < 4; octet++) {
      if (octet > 0) {
        if (at == length || text.charAt(at) != '.') {
          return null;
        }
        at++;
      }
      int start = at;
      int value = 0;
      while (at < length && at - start < 4 && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
        value = value * 10 + (text.charAt(at++) - '0');
      }
      int digits = at - start;
      if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
        return null;
      }
      bits = (bits << 8) | value;
    }
    return at == length ? new Ipv4(bits) : null;
  }

  /** Parses dotted-quad text; throws IllegalArgumentException naming the input if it is not an IPv4 address. */
  public static Ipv4 parse(String text) {
    Ipv4 address = parseOrNull(text);
    if (address == null) {
      throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
    }
    return address;
  }

  public static boolean isValid(String text) {
    return parseOrNull(text) != null;
  }

  /** Orders addresses as unsigned numbers (255.0.0.0 after 10.0.0.0). */
  @Override
  public int compareTo(Ipv4 other) {
    return Integer.compareUnsigned(bits, other.bits);
  }

  @Override
  public String toString() {
    return (bits >>> 24) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "." + (bits & 0xFF);
  }
}
