package dev.simgate.agent.node;

import dev.simgate.contract.net.Cidr;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** CIDR lists as nftables interval sets take them: sorted, without one inside another. */
final class Cidrs {
  /** By network address, then wider first. */
  static final Comparator<Cidr> ORDER = Comparator.comparing((Cidr c) -> Integer.toUnsignedLong(c.address().bits()))
      .thenComparingInt(Cidr::prefix);

  private Cidrs() {}

  /** The networks of {@code cidrs}, sorted, each once, and none that a wider one covers. */
  static List<Cidr> merged(Collection<Cidr> cidrs) {
    List<Cidr> sorted = cidrs.stream().map(Cidr::network).distinct().sorted(ORDER).toList();
    List<Cidr> kept = new ArrayList<>();
    for (Cidr cidr : sorted) {
      if (kept.isEmpty() || !kept.getLast().contains(cidr)) {
        kept.add(cidr);
      }
    }
    return kept;
  }
}
