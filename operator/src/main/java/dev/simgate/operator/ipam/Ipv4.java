package dev.simgate.operator.ipam;

/** Dotted-quad IPv4 addresses as unsigned 32-bit values held in an int. */
public final class Ipv4 {
  private Ipv4() {}

  /** Parses a strict dotted quad ("10.0.0.1"); throws IllegalArgumentException naming the input otherwise. */
  public static int parse(String text) {
    String[] parts = text == null ? new String[0] : text.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
    }
    int value = 0;
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
          || (part.length() > 1 && part.charAt(0) == '0')) {
        throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
      }
      int octet = Integer.parseInt(part);
      if (octet > 255) {
        throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
      }
      value = (value << 8) | octet;
    }
    return value;
  }

  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public static String format(int address) {
    return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
  }
}
