package dev.simgate.agent.config;

/** An IPv4 address with a prefix length, e.g. {@code 10.128.255.254/9}. */
public record Cidr(Ipv4 address, int prefix) {

  /** Parses {@code a.b.c.d/n}; returns null if the text is not an IPv4 CIDR. */
  public static Cidr parseOrNull(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return null;
    }
    Ipv4 address = Ipv4.parseOrNull(text.substring(0, slash));
    String length = text.substring(slash + 1).trim();
    if (address == null || !length.matches("\\d{1,2}")) {
      return null;
    }
    int prefix = Integer.parseInt(length);
    return prefix <= 32 ? new Cidr(address, prefix) : null;
  }

  /** This prefix with the host bits cleared, e.g. {@code 10.128.0.0/9}. */
  public Cidr network() {
    int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
    return new Cidr(new Ipv4(address.bits() & mask), prefix);
  }

  public boolean contains(Ipv4 other) {
    int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
    return (other.bits() & mask) == (address.bits() & mask);
  }

  @Override
  public String toString() {
    return address + "/" + prefix;
  }
}
