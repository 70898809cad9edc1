package dev.simgate.operator.ipam;

/** An IPv4 prefix; host bits of the parsed text are cleared, so 10.1.2.3/8 is 10.0.0.0/8. */
public record Ipv4Cidr(int network, int prefixLength) {
  public Ipv4Cidr {
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("prefix length out of range: " + prefixLength);
    }
    network &= mask(prefixLength);
  }

  /** Parses "a.b.c.d/n"; throws IllegalArgumentException naming the input otherwise. */
  public static Ipv4Cidr parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not an IPv4 CIDR: '" + text + "'");
    }
    String length = text.substring(slash + 1);
    if (length.isEmpty() || length.length() > 2 || !length.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("not an IPv4 CIDR: '" + text + "'");
    }
    int prefix = Integer.parseInt(length);
    if (prefix > 32) {
      throw new IllegalArgumentException("not an IPv4 CIDR: '" + text + "'");
    }
    try {
      return new Ipv4Cidr(Ipv4.parse(text.substring(0, slash)), prefix);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an IPv4 CIDR: '" + text + "'", e);
    }
  }

  private static int mask(int prefixLength) {
    return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
  }

  public long size() {
    return 1L << (32 - prefixLength);
  }

  public int broadcast() {
    return network | ~mask(prefixLength);
  }

  public boolean contains(int address) {
    return (address & mask(prefixLength)) == network;
  }

  /** True when every address of other lies in this prefix. */
  public boolean contains(Ipv4Cidr other) {
    return other.prefixLength >= prefixLength && contains(other.network);
  }

  public boolean overlaps(Ipv4Cidr other) {
    return contains(other) || other.contains(this);
  }

  /** First address usable by a host: prefixes up to /30 skip the network and broadcast addresses. */
  public int firstHost() {
    return prefixLength >= 31 ? network : network + 1;
  }

  public int lastHost() {
    return prefixLength >= 31 ? broadcast() : broadcast() - 1;
  }

  public boolean isHost(int address) {
    return Integer.compareUnsigned(address, firstHost()) >= 0 && Integer.compareUnsigned(address, lastHost()) <= 0;
  }

  @Override
  public String toString() {
    return Ipv4.format(network) + "/" + prefixLength;
  }
}
