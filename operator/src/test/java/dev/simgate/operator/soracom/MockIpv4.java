package dev.simgate.operator.soracom;

import java.util.regex.Pattern;

/**
 * Dotted IPv4 addresses and prefixes for the mock, as unsigned values in a long. The mock keeps its own few lines
 * instead of borrowing the operator's address classes, so that it judges requests independently of the code under test.
 */
record MockIpv4(long network, int prefixLength) {
  private static final Pattern DOTTED = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");

  static boolean isAddress(String text) {
    if (text == null || !DOTTED.matcher(text).matches()) {
      return false;
    }
    for (String part : text.split("\\.")) {
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  static long address(String text) {
    if (!isAddress(text)) {
      throw new IllegalArgumentException("not an IPv4 address: " + text);
    }
    long value = 0;
    for (String part : text.split("\\.")) {
      value = value << 8 | Integer.parseInt(part);
    }
    return value;
  }

  static String format(long address) {
    return (address >> 24 & 255) + "." + (address >> 16 & 255) + "." + (address >> 8 & 255) + "." + (address & 255);
  }

  static MockIpv4 prefix(String cidr) {
    String[] parts = cidr.split("/");
    int length = Integer.parseInt(parts[1]);
    long mask = mask(length);
    return new MockIpv4(address(parts[0]) & mask, length);
  }

  private static long mask(int length) {
    return length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
  }

  long broadcast() {
    return network | (~mask(prefixLength) & 0xFFFF_FFFFL);
  }

  /** A host address of the prefix: inside it, and neither its network nor its broadcast address. */
  boolean hasHost(String text) {
    if (!isAddress(text)) {
      return false;
    }
    long a = address(text);
    return (a & mask(prefixLength)) == network && a != network && a != broadcast();
  }

  @Override
  public String toString() {
    return format(network) + "/" + prefixLength;
  }
}
