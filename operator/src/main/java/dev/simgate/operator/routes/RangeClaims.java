package dev.simgate.operator.routes;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.validation.Problem;

/**
 * Who holds which device ranges of one VPG: one claim per DeviceSubnet (by uid), with the CIDRs it was last accepted
 * with and since when it holds them. A DeviceSubnet may claim a range only while no other live DeviceSubnet holds an
 * overlapping one, so the first holder keeps its range whatever the age or later edits of the others. Immutable;
 * stored by {@link RangeLedger}, one JSON value per claim so that a damaged entry costs only itself.
 */
public final class RangeClaims {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** @param holder {@code namespace/name} of the DeviceSubnet */
  public record Claim(String holder, Instant since, List<Cidr> cidrs) {
    public Claim {
      cidrs = List.copyOf(cidrs);
    }
  }

  /** The outcome of a claim: the claims to store, or why the DeviceSubnet may not have its CIDRs. */
  public record Outcome(RangeClaims claims, Optional<Problem> problem) {}

  record Stored(String holder, String since, List<String> cidrs) {}

  private final Map<String, Claim> byUid;
  private final List<String> malformed;

  private RangeClaims(Map<String, Claim> byUid, List<String> malformed) {
    this.byUid = new TreeMap<>(byUid);
    this.malformed = List.copyOf(malformed);
  }

  public static RangeClaims empty() {
    return new RangeClaims(Map.of(), List.of());
  }

  /** Reads stored claims; an entry that does not parse is left out (and listed in {@link #malformed()}). */
  public static RangeClaims parse(Map<String, String> data) {
    Map<String, Claim> claims = new TreeMap<>();
    List<String> malformed = new ArrayList<>();
    if (data != null) {
      data.forEach((uid, value) -> decode(value).ifPresentOrElse(c -> claims.put(uid, c), () -> malformed.add(uid)));
    }
    return new RangeClaims(claims, malformed);
  }

  private static Optional<Claim> decode(String value) {
    try {
      Stored stored = JSON.readValue(value, Stored.class);
      if (stored.holder() == null || stored.since() == null || stored.cidrs() == null) {
        return Optional.empty();
      }
      List<Cidr> cidrs = new ArrayList<>();
      for (String text : stored.cidrs()) {
        Cidr cidr = Cidr.parseOrNull(text);
        if (cidr == null || !cidr.isNetwork()) {
          return Optional.empty();
        }
        cidrs.add(cidr);
      }
      return Optional.of(new Claim(stored.holder(), Instant.parse(stored.since()), cidrs));
    } catch (JsonProcessingException | DateTimeParseException e) {
      return Optional.empty();
    }
  }

  public Map<String, String> toData() {
    Map<String, String> data = new TreeMap<>();
    byUid.forEach((uid, c) -> {
      try {
        data.put(uid, JSON.writeValueAsString(new Stored(c.holder(), c.since().toString(),
            c.cidrs().stream().map(Cidr::toString).toList())));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    });
    return data;
  }

  public Map<String, Claim> claims() {
    return Collections.unmodifiableMap(byUid);
  }

  public Optional<Claim> of(String uid) {
    return Optional.ofNullable(byUid.get(uid));
  }

  /** Keys of entries that did not parse. */
  public List<String> malformed() {
    return malformed;
  }

  /**
   * Claims {@code cidrs} for the DeviceSubnet {@code uid}: refused when another live holder's range overlaps one of
   * them, or when the VPG would route more than {@code routeLimit} CIDRs. Claims of holders that no longer exist are
   * dropped on the way.
   *
   * @param live whether a DeviceSubnet uid still exists
   */
  public Outcome claim(String uid, String holder, Collection<Cidr> cidrs, Predicate<String> live, int routeLimit,
      String vpg, Instant now) {
    for (Cidr cidr : cidrs) {
      for (var entry : byUid.entrySet()) {
        if (entry.getKey().equals(uid) || !live.test(entry.getKey())) {
          continue;
        }
        Claim other = entry.getValue();
        Optional<Cidr> held = other.cidrs().stream().filter(cidr::overlaps).findFirst();
        if (held.isPresent()) {
          return new Outcome(this, Optional.of(new Problem(Problem.CIDR_OVERLAP, "spec.cidrs: " + cidr
              + " overlaps " + held.get() + ", which DeviceSubnet " + other.holder() + " holds on VirtualPrivateGateway '"
              + vpg + "' since " + other.since())));
        }
      }
    }
    int others = byUid.entrySet().stream().filter(e -> !e.getKey().equals(uid) && live.test(e.getKey()))
        .mapToInt(e -> e.getValue().cidrs().size()).sum();
    if (others + cidrs.size() > routeLimit) {
      return new Outcome(this, Optional.of(new Problem(Problem.ROUTE_LIMIT_EXCEEDED, "VirtualPrivateGateway '" + vpg
          + "' routes " + others + " CIDRs of other DeviceSubnets; " + cidrs.size() + " more would exceed the limit of "
          + routeLimit + " (operator option --max-routes-per-vpg)")));
    }
    Map<String, Claim> next = new LinkedHashMap<>();
    byUid.forEach((id, c) -> {
      if (live.test(id)) {
        next.put(id, c);
      }
    });
    Instant since = Optional.ofNullable(byUid.get(uid)).map(Claim::since).orElse(now);
    next.put(uid, new Claim(holder, since, List.copyOf(cidrs)));
    return new Outcome(new RangeClaims(next, List.of()), Optional.empty());
  }

  /** Releasing the claim of {@code uid}, as an outcome for {@link RangeLedger#update}. */
  public Outcome releasing(String uid) {
    return new Outcome(release(uid), Optional.empty());
  }

  /** Without the claim of {@code uid}. */
  public RangeClaims release(String uid) {
    Map<String, Claim> next = new TreeMap<>(byUid);
    next.remove(uid);
    return new RangeClaims(next, malformed);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RangeClaims other && byUid.equals(other.byUid) && malformed.equals(other.malformed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(byUid, malformed);
  }

  @Override
  public String toString() {
    return byUid.toString();
  }
}
