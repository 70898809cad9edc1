package dev.simgate.contract.net;

/**
 * An IPv4 address with a prefix length, as written: {@code 10.128.255.254/9} is an interface address on the
 * {@code 10.128.0.0/9} network, so host bits are kept; {@link #network()} clears them and {@link #isNetwork()} tells
 * whether there were any.
 *
 * <p>The one rule for CIDR text: an {@link Ipv4} address, {@code /}, and a prefix length 0..32 in ASCII digits without
 * a sign or a leading zero, and nothing else. That is Go's {@code netip.ParsePrefix} for IPv4, which the CRDs' CEL
 * rules ({@code isCIDR}, {@code cidr()}) use; where a field must name a network (routes, pools) the caller checks
 * {@link #isNetwork()} or takes {@link #network()}.
 */
public record Cidr(Ipv4 address, int prefix) {

  public Cidr {
    if (address == null || prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("not an IPv4 CIDR: " + address + "/" + prefix);
    }
  }

  /** Parses {@code a.b.c.d/n} by the rule above; null if it is not one. */
  public static Cidr parseOrNull(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 0) {
      return null;
    }
    Ipv4 address = Ipv4.parseOrNull(text.substring(0, slash));
    int prefix = prefixLength(text, slash + 1);
    return address == null || prefix < 0 ? null : new Cidr(address, prefix);
  }

  /** Parses {@code a.b.c.d/n}; throws IllegalArgumentException naming the input if it is not an IPv4 CIDR. */
  public static Cidr parse(String text) {
    Cidr cidr = parseOrNull(text);
    if (cidr == null) {
      throw new IllegalArgumentException("not an IPv4 CIDR: '" + text + "'");
    }
    return cidr;
  }

  public static boolean isValid(String text) {
    return parseOrNull(text) != null;
  }

  /** 0..32 from the digits at {@code start} to the end, or -1. */
  private static int prefixLength(String text, int start) {
    int digits = text.length() - start;
    if (digits < 1 || digits > 2 || (digits == 2 && text.charAt(start) == '0')) {
      return -1;
    }
    int value = 0;
    for (int at = start; at < text.length(); at++) {
      char c = text.charAt(at);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value <= 32 ? value : -1;
  }

  private int mask() {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }

  /** This prefix with the host bits cleared, e.g. {@code 10.128.0.0/9} for {@code 10.128.255.254/9}. */
  public Cidr network() {
    return new Cidr(new Ipv4(address.bits() & mask()), prefix);
  }

  /** Whether no host bits are set: the text names a network. */
  public boolean isNetwork() {
    return (address.bits() & ~mask()) == 0;
  }

  /** How many addresses the prefix holds. */
  public long size() {
    return 1L << (32 - prefix);
  }

  public Ipv4 broadcast() {
    return new Ipv4(address.bits() | ~mask());
  }

  public boolean contains(Ipv4 other) {
    return (other.bits() & mask()) == (address.bits() & mask());
  }

  /** True when every address of {@code other} lies in this prefix. */
  public boolean contains(Cidr other) {
    return other.prefix >= prefix && contains(other.address);
  }

  public boolean overlaps(Cidr other) {
    return contains(other) || other.contains(this);
  }

  /** First address usable by a host: prefixes up to /30 skip the network and broadcast addresses. */
  public Ipv4 firstHost() {
    int network = address.bits() & mask();
    return new Ipv4(prefix >= 31 ? network : network + 1);
  }

  public Ipv4 lastHost() {
    int broadcast = broadcast().bits();
    return new Ipv4(prefix >= 31 ? broadcast : broadcast - 1);
  }

  public boolean isHost(Ipv4 other) {
    return other.compareTo(firstHost()) >= 0 && other.compareTo(lastHost()) <= 0;
  }

  @Override
  public String toString() {
    return address + "/" + prefix;
  }
}
