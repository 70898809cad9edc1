package dev.simgate.operator.soracom;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;

import com.fasterxml.jackson.core.type.TypeReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.simgate.operator.soracom.WireBodies.OpenGateRequest;
import dev.simgate.operator.soracom.WireBodies.RegisterGatePeerRequest;
import dev.simgate.operator.soracom.model.GatePeer;
import dev.simgate.operator.soracom.model.GatewayState;
import dev.simgate.operator.soracom.model.IpAddressMapEntry;
import dev.simgate.operator.soracom.model.Sim;
import dev.simgate.operator.soracom.model.Subscriber;
import dev.simgate.operator.soracom.model.VirtualPrivateGateway;

/**
 * The SORACOM API operations SimGate uses (reference soracom-api.md §6), for one set of credentials in one coverage.
 * Thread-safe; one instance per credentials, kept for the process (it holds the token and the rate-limit state).
 * Each API call a method makes ends within the retry policy's call deadline (plus one call timeout) or throws a
 * {@link SoracomException}; {@link SoracomException#isTransient()} says whether to keep the last known state and try
 * again later.
 */
public final class SoracomClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SoracomClient.class);
  /** Page size asked for when following every page; {@code listSubscribers} accepts at most 100. */
  static final int PAGE_SIZE = 100;

  private final HttpTransport transport;
  private final CallExecutor executor;
  private final SessionKeeper sessions;
  private final RateLimiter limiter;

  public SoracomClient(SoracomSettings settings, SoracomCredentials credentials) {
    this(settings, credentials, InstantSource.system(), Sleeper.SYSTEM, new Random());
  }

  /** With time and randomness injected, so tests run fast and deterministic; {@code random} must be thread-safe. */
  public SoracomClient(SoracomSettings settings, SoracomCredentials credentials, InstantSource clock, Sleeper sleeper,
      RandomGenerator random) {
    Objects.requireNonNull(credentials, "credentials");
    Secrets secrets = new Secrets(credentials);
    this.transport = new HttpTransport(settings);
    this.limiter = new RateLimiter(settings.rateLimit(), clock);
    this.executor = new CallExecutor(transport, settings.baseUri(), limiter, new Backoff(settings.retry(), random),
        new ApiErrors(secrets), settings.retry(), clock, sleeper);
    this.sessions = new SessionKeeper(executor, credentials, settings.tokenLifetime(), clock, secrets);
  }

  // ---- VPG and Gate peers ----

  /** getVirtualPrivateGateway: GET /virtual_private_gateways/{vpg_id}. */
  public VirtualPrivateGateway getVirtualPrivateGateway(String vpgId) {
    return get("getVirtualPrivateGateway", vpg(vpgId), new TypeReference<VirtualPrivateGateway>() {});
  }

  /** listGatePeers: GET {vpg}/gate/peers; the customer's and the VPG's own peers, not paginated. */
  public List<GatePeer> listGatePeers(String vpgId) {
    return get("listGatePeers", vpg(vpgId, "gate", "peers"), new TypeReference<List<GatePeer>>() {});
  }

  /** The VPG object and its Gate peers. */
  public GatewayState readGateway(String vpgId) {
    return new GatewayState(getVirtualPrivateGateway(vpgId), listGatePeers(vpgId));
  }

  /**
   * registerGatePeer: POST {vpg}/gate/peers, made safe to repeat. What the API answers for an outer address that is
   * already registered is undocumented (reference §10), so the peers are listed first: an identical customer entry is
   * returned as it is, without a POST. If the POST then fails with 400 (an earlier attempt of this call may have been
   * applied before an error answer, or someone registered the same address meanwhile), the peers are listed again and
   * an identical entry counts as success.
   *
   * @param innerIp the inner address to register, or null to let the API assign one
   * @throws GatePeerConflictException the outer address is registered with another inner address, or is the VPG's own;
   *     nothing is changed
   */
  public GatePeer registerGatePeer(String vpgId, String outerIp, String innerIp) {
    requireText(outerIp, "outer address");
    Optional<GatePeer> existing = find(listGatePeers(vpgId), outerIp);
    if (existing.isPresent()) {
      return sameOrConflict(existing.get(), outerIp, innerIp);
    }
    try {
      GatePeer registered = post("registerGatePeer", vpg(vpgId, "gate", "peers"),
          new RegisterGatePeerRequest(outerIp, innerIp)).json("registerGatePeer", new TypeReference<GatePeer>() {});
      LOG.atInfo().addKeyValue("vpgId", vpgId).addKeyValue("outerIpAddress", outerIp)
          .addKeyValue("innerIpAddress", registered.innerIpAddress()).log("SORACOM gate peer registered");
      return registered;
    } catch (SoracomApiException e) {
      if (e.httpStatus() != 400 && e.httpStatus() != 409) {
        throw e;
      }
      Optional<GatePeer> now = find(listGatePeers(vpgId), outerIp);
      if (now.isPresent() && matches(now.get(), innerIp)) {
        return now.get();
      }
      throw e;
    }
  }

  /**
   * unregisterGatePeer: DELETE {vpg}/gate/peers/{outer_ip_address}. Lists the peers first and touches only a
   * customer-owned entry (unregistering the VPG's own peers is undocumented; reference §6.4).
   *
   * @return true if the entry was registered and is gone now (a 404 to the DELETE means an earlier attempt of this
   *     call, or someone else, removed it first), false if it was not registered and nothing was sent
   * @throws GatePeerConflictException the address is one of the VPG's own peers; nothing is changed
   */
  public boolean unregisterGatePeer(String vpgId, String outerIp) {
    requireText(outerIp, "outer address");
    Optional<GatePeer> existing = find(listGatePeers(vpgId), outerIp);
    if (existing.isEmpty()) {
      return false;
    }
    if (!existing.get().isCustomerPeer()) {
      throw new GatePeerConflictException("unregisterGatePeer",
          "gate peer " + outerIp + " of VPG " + vpgId + " is not a customer peer; SimGate never unregisters it", existing.get());
    }
    try {
      executor.call(ApiRequest.delete("unregisterGatePeer", vpg(vpgId, "gate", "peers", outerIp)), sessions);
    } catch (SoracomApiException e) {
      if (!e.isNotFound()) {
        throw e;
      }
    }
    LOG.atInfo().addKeyValue("vpgId", vpgId).addKeyValue("outerIpAddress", outerIp).log("SORACOM gate peer unregistered");
    return true;
  }

  /**
   * openGate: POST {vpg}/gate/open. Interrupts the VPG's traffic for a few seconds, so only ever called on a user's
   * explicit request. Null arguments are left out and the API's defaults apply (VNI 10, privacy separator off). A 400
   * while the VPG already shows Gate open with the values asked for counts as success (opening an open Gate is
   * undocumented; reference §10).
   */
  public void openGate(String vpgId, Integer vxlanId, Boolean privacySeparatorEnabled) {
    if (vxlanId != null && (vxlanId < 1 || vxlanId > 16_777_215)) {
      throw new IllegalArgumentException("VXLAN id must be 1..16777215, was " + vxlanId);
    }
    try {
      post("openGate", vpg(vpgId, "gate", "open"), new OpenGateRequest(vxlanId, privacySeparatorEnabled));
    } catch (SoracomApiException e) {
      if (e.httpStatus() != 400) {
        throw e;
      }
      VirtualPrivateGateway now = getVirtualPrivateGateway(vpgId);
      boolean asAsked = now.isGateOpen()
          && (vxlanId == null || Long.valueOf(vxlanId).equals(now.gateVxlanId()))
          && (privacySeparatorEnabled == null || privacySeparatorEnabled.equals(now.gatePrivacySeparatorEnabled()));
      if (!asAsked) {
        throw e;
      }
      return;
    }
    LOG.atInfo().addKeyValue("vpgId", vpgId).addKeyValue("vxlanId", vxlanId).log("SORACOM Gate opened");
  }

  // ---- IP address map ----

  /** listVirtualPrivateGatewayIpAddressMapEntries: GET {vpg}/ip_address_map, one page. */
  public Page<IpAddressMapEntry> listIpAddressMapPage(String vpgId, PageRequest page) {
    return page("listVirtualPrivateGatewayIpAddressMapEntries", vpg(vpgId, "ip_address_map"), Map.of(), page,
        new TypeReference<List<IpAddressMapEntry>>() {});
  }

  /** Every entry of the VPG's IP address map, all pages. */
  public List<IpAddressMapEntry> listIpAddressMap(String vpgId) {
    return all("listVirtualPrivateGatewayIpAddressMapEntries", p -> listIpAddressMapPage(vpgId, p));
  }

  // ---- SIMs ----

  /** listSubscribersInGroup: GET /groups/{group_id}/subscribers, one page (of {@code Sim}s, despite the name). */
  public Page<Sim> listSimsInGroupPage(String groupId, PageRequest page) {
    return page("listSubscribersInGroup", ApiRequest.path("groups", groupId, "subscribers"), Map.of(), page,
        new TypeReference<List<Sim>>() {});
  }

  /** Every SIM of a group, all pages. */
  public List<Sim> listSimsInGroup(String groupId) {
    return all("listSubscribersInGroup", p -> listSimsInGroupPage(groupId, p));
  }

  /** listSubscribers: GET /subscribers?tag_name=..&tag_value=..&tag_value_match_mode=.., one page (limit at most 100). */
  public Page<Subscriber> listSubscribersPage(TagFilter filter, PageRequest page) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("tag_name", filter.name());
    query.put("tag_value", filter.value());
    query.put("tag_value_match_mode", filter.mode().wire);
    PageRequest bounded = page.limit() != null && page.limit() > PAGE_SIZE ? new PageRequest(PAGE_SIZE, page.lastEvaluatedKey()) : page;
    return page("listSubscribers", "/subscribers", query, bounded, new TypeReference<List<Subscriber>>() {});
  }

  /** Every subscriber (one per IMSI) with the tag, all pages. */
  public List<Subscriber> listSubscribers(TagFilter filter) {
    return all("listSubscribers", p -> listSubscribersPage(filter, p));
  }

  /** getSim: GET /sims/{sim_id}; its session status and address are in {@link Sim#sessionStatus()}. */
  public Sim getSim(String simId) {
    return get("getSim", ApiRequest.path("sims", simId), new TypeReference<Sim>() {});
  }

  /** The advertised per-minute limit the client paces itself by, once the API has sent one. */
  public Optional<Integer> advertisedRateLimit() {
    return limiter.advertisedLimit();
  }

  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "SoracomClient[" + limiter.advertisedLimit().map(l -> "advertised limit " + l + "/min").orElse("no limit advertised yet") + "]";
  }

  // ---- plumbing ----

  private <T> T get(String operation, String path, TypeReference<T> type) {
    return executor.call(ApiRequest.get(operation, path), sessions).json(operation, type);
  }

  private ApiResponse post(String operation, String path, Object body) {
    return executor.call(ApiRequest.post(operation, path, body), sessions);
  }

  private <T> Page<T> page(String operation, String path, Map<String, String> filters, PageRequest page,
      TypeReference<List<T>> type) {
    Map<String, String> query = new LinkedHashMap<>(filters);
    if (page.limit() != null) {
      query.put("limit", Integer.toString(page.limit()));
    }
    if (page.lastEvaluatedKey() != null) {
      query.put("last_evaluated_key", page.lastEvaluatedKey());
    }
    ApiResponse response = executor.call(ApiRequest.get(operation, path, query), sessions);
    return new Page<>(response.json(operation, type), NextKey.of(response));
  }

  /** Follows the cursor until the API sends none; a cursor seen twice would loop for ever, so it fails the listing. */
  private static <T> List<T> all(String operation, Function<PageRequest, Page<T>> fetch) {
    List<T> items = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    PageRequest request = PageRequest.first(PAGE_SIZE);
    while (true) {
      Page<T> page = fetch.apply(request);
      items.addAll(page.items());
      if (page.nextKey() == null) {
        return items;
      }
      if (!seen.add(page.nextKey())) {
        throw new SoracomException(operation, "SORACOM " + operation + " returned the same page cursor twice", true, null);
      }
      request = request.after(page.nextKey());
    }
  }

  private static String vpg(String vpgId, String... rest) {
    requireText(vpgId, "VPG id");
    String[] segments = new String[rest.length + 2];
    segments[0] = "virtual_private_gateways";
    segments[1] = vpgId;
    System.arraycopy(rest, 0, segments, 2, rest.length);
    return ApiRequest.path(segments);
  }

  private static Optional<GatePeer> find(List<GatePeer> peers, String outerIp) {
    return peers.stream().filter(p -> outerIp.equals(p.outerIpAddress())).findFirst();
  }

  private static boolean matches(GatePeer peer, String innerIp) {
    return peer.isCustomerPeer() && (innerIp == null || innerIp.equals(peer.innerIpAddress()));
  }

  private static GatePeer sameOrConflict(GatePeer existing, String outerIp, String innerIp) {
    if (matches(existing, innerIp)) {
      return existing;
    }
    String why = existing.isCustomerPeer()
        ? "is registered with inner address " + existing.innerIpAddress() + ", not " + innerIp
        : "is one of the VPG's own peers";
    throw new GatePeerConflictException("registerGatePeer", "gate peer " + outerIp + " " + why, existing);
  }

  private static void requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
  }
}
