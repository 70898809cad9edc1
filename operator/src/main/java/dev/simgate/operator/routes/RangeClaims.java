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

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.LabelSelector;

/**
 * Who holds which device ranges of one VPG: one claim per DeviceSubnet (by uid), with the CIDRs it was last accepted
 * with and since when it holds them, and the {@link Terms} accepted with them (which of its pods may reach them, which
 * Services its SIMs may reach). A DeviceSubnet may claim a range only while no other live DeviceSubnet holds an
 * overlapping one, and expose an inner port only while no other one exposes it, so the first holder keeps its range
 * and its port whatever the age or later edits of the others. Immutable; stored by {@link RangeLedger}, one JSON value
 * per claim so that a damaged entry costs only itself.
 */
public final class RangeClaims {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** @param holder {@code namespace/name} of the DeviceSubnet */
  public record Claim(String holder, Instant since, List<Cidr> cidrs, Terms terms) {
    public Claim {
      cidrs = List.copyOf(cidrs);
      Objects.requireNonNull(terms, "terms");
    }

    public Claim(String holder, Instant since, List<Cidr> cidrs) {
      this(holder, since, cidrs, Terms.NONE);
    }

    /** The DeviceSubnet's namespace. */
    public String namespace() {
      return holder.substring(0, holder.indexOf('/'));
    }
  }

  /**
   * What a DeviceSubnet's CIDRs were accepted with: the pods of its namespace that may reach them (null: none; an
   * empty selector: all) and the Services its SIMs may reach.
   */
  public record Terms(LabelSelector podSelector, List<Exposure> exposures) {
    public static final Terms NONE = new Terms(null, List.of());

    public Terms {
      exposures = List.copyOf(exposures);
    }
  }

  /**
   * A Service of the holder's namespace exposed on {@code innerPort} of its VPG's gate nodes.
   *
   * @param port the Service port as written: a number or a name
   * @param protocol TCP or UDP
   */
  public record Exposure(String service, String port, String protocol, int innerPort) {
    /** What two DeviceSubnets of a VPG may not both expose. */
    String innerKey() {
      return innerPort + "/" + protocol;
    }
  }

  /** The outcome of a claim: the claims to store, or why the DeviceSubnet may not have its CIDRs. */
  public record Outcome(RangeClaims claims, Optional<Problem> problem) {}

  // podSelector and exposures are left out when unset, so claims without them are stored as before.
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Stored(String holder, String since, List<String> cidrs, LabelSelector podSelector, List<Exposure> exposures) {}

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
      List<Exposure> exposures = stored.exposures() == null ? List.of() : stored.exposures();
      if (exposures.stream().anyMatch(e -> e == null || e.service() == null || e.port() == null || e.protocol() == null)) {
        return Optional.empty();
      }
      return Optional.of(new Claim(stored.holder(), Instant.parse(stored.since()), cidrs,
          new Terms(stored.podSelector(), exposures)));
    } catch (JsonProcessingException | DateTimeParseException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  public Map<String, String> toData() {
    Map<String, String> data = new TreeMap<>();
    byUid.forEach((uid, c) -> {
      try {
        data.put(uid, JSON.writeValueAsString(new Stored(c.holder(), c.since().toString(),
            c.cidrs().stream().map(Cidr::toString).toList(), c.terms().podSelector(),
            c.terms().exposures().isEmpty() ? null : c.terms().exposures())));
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

  /** {@link #claim(String, String, Collection, Terms, Predicate, int, String, Instant)} with no pod and no Service. */
  public Outcome claim(String uid, String holder, Collection<Cidr> cidrs, Predicate<String> live, int routeLimit,
      String vpg, Instant now) {
    return claim(uid, holder, cidrs, Terms.NONE, live, routeLimit, vpg, now);
  }

  /**
   * Claims {@code cidrs} with {@code terms} for the DeviceSubnet {@code uid}: refused when another live holder's range
   * overlaps one of them, when another live holder exposes one of the same inner ports, or when the VPG would route
   * more than {@code routeLimit} CIDRs. Claims of holders that no longer exist are dropped on the way.
   *
   * @param live whether a DeviceSubnet uid still exists
   */
  public Outcome claim(String uid, String holder, Collection<Cidr> cidrs, Terms terms, Predicate<String> live,
      int routeLimit, String vpg, Instant now) {
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
    for (int i = 0; i < terms.exposures().size(); i++) {
      Exposure wanted = terms.exposures().get(i);
      for (var entry : byUid.entrySet()) {
        if (entry.getKey().equals(uid) || !live.test(entry.getKey())) {
          continue;
        }
        Claim other = entry.getValue();
        if (other.terms().exposures().stream().anyMatch(e -> e.innerKey().equals(wanted.innerKey()))) {
          return new Outcome(this, Optional.of(new Problem(Problem.EXPOSED_PORT_CONFLICT, "spec.exposedServices[" + i
              + "]: innerPort " + wanted.innerPort() + "/" + wanted.protocol() + " is already exposed by DeviceSubnet "
              + other.holder() + " on the gate nodes of VirtualPrivateGateway '" + vpg + "'")));
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
    next.put(uid, new Claim(holder, since, List.copyOf(cidrs), terms));
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
