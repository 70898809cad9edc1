package dev.simgate.operator.devicesubnet;

import java.util.Locale;

/**
 * A SIM's name made into a DNS label, by fixed rules only: lower-cased, and runs of spaces, {@code _}, {@code .} and
 * {@code -} become one {@code -}, trimmed at both ends. Anything else (other punctuation, non-ASCII letters, more than
 * 63 characters) is reported, never dropped, replaced or truncated: two SIMs must not be given the same name by a guess.
 *
 * @param label the label, or null when the name does not form one
 * @param problem why not, when it does not
 */
record DnsLabel(String label, String problem) {
  static final int MAX = 63;

  static DnsLabel of(String name) {
    if (name == null || name.isBlank()) {
      return new DnsLabel(null, "no name");
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = Character.toLowerCase(name.charAt(i));
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        out.append(c);
      } else if (c == ' ' || c == '_' || c == '.' || c == '-') {
        if (!out.isEmpty() && out.charAt(out.length() - 1) != '-') {
          out.append('-');
        }
      } else {
        return new DnsLabel(null, "name '" + name + "' has '" + name.charAt(i) + "', which a DNS label cannot hold");
      }
    }
    while (!out.isEmpty() && out.charAt(out.length() - 1) == '-') {
      out.setLength(out.length() - 1);
    }
    if (out.isEmpty()) {
      return new DnsLabel(null, "name '" + name + "' has no letter or digit");
    }
    if (out.length() > MAX) {
      return new DnsLabel(null, "name '" + name + "' is longer than " + MAX + " characters as a DNS label");
    }
    return new DnsLabel(out.toString().toLowerCase(Locale.ROOT), null);
  }
}
