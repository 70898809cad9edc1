package dev.simgate.operator.soracom;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The SORACOM API for tests: the one mock of this project, because the real API cannot be reached here. It serves, on
 * loopback, exactly the operations SimGate uses, as {@code shared/reference/soracom-api.md} describes them: paths,
 * methods, the two auth headers, status codes, flat {@code {code, message}} error bodies (the nested
 * {@code APICallError} where the spec declares it), pagination with {@code limit}, {@code last_evaluated_key},
 * {@code x-soracom-next-key} and {@code link}, tokens that expire, and 429 with the {@code X-Soracom-Ratelimit-*}
 * headers. Where the reference says the real behaviour is undocumented, the mock does what its §10 suggests, and the
 * choice is a knob where the client must cope with either answer.
 *
 * <p>Controls for tests: fail the next calls with 5xx (before or after applying them), go down (connection refused) and
 * come back, 429 storms, a request budget per window; and observation: calls per operation, every request, the most
 * requests seen in any window. Time is an injected {@link InstantSource}, shared with the client in tests.
 */
public final class MockSoracomApi implements AutoCloseable {
  public static final String OPERATOR_ID = "OP0012345678";
  public static final String SAM_USER = "simgate";
  public static final long DEFAULT_TOKEN_SECONDS = 86_400;
  public static final long MIN_TOKEN_SECONDS = 180;
  public static final long MAX_TOKEN_SECONDS = 172_800;
  public static final int MAX_VXLAN_ID = 16_777_215;

  /** What registering an already registered outer address answers: undocumented (reference §10). */
  public enum DuplicateRegistration { REJECT_400, RETURN_EXISTING_200 }

  /** What opening an already open Gate answers: undocumented (reference §10). */
  public enum WhenAlreadyOpen { REJECT_400, ACCEPT_200 }

  /** Which cursor headers a page carries: "some APIs send only one of link / x-soracom-next-key" (reference §3). */
  public enum CursorHeaders { BOTH, NEXT_KEY_ONLY, LINK_ONLY }

  /** One request as received. Headers are kept for assertions; this is test code and nothing logs them. */
  public record RecordedRequest(String operation, String method, String path, Map<String, String> query,
      Map<String, String> headers, String body, Instant at, int status) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private record Route(String operation, String method, String[] pattern) {
    Route(String operation, String method, String pattern) {
      this(operation, method, pattern.split("/"));
    }
  }

  private record Matched(String operation, Map<String, String> params) {}

  /** An injected answer: {@code status} with {@code code}/{@code message} (null: a default for the status). */
  private record Fault(String operation, int status, String code, String message, boolean afterApplying, boolean echoCredentials) {}

  private record Issued(String apiKey, String token, Instant expiresAt) {}

  private record Stall(String operation, Duration delay) {}

  private record Reply(int status, Map<String, String> headers, byte[] body) {}

  private static final List<Route> ROUTES = List.of(
      new Route("auth", "POST", "auth"),
      new Route("generateAuthToken", "POST", "operators/{operator_id}/token"),
      new Route("getVirtualPrivateGateway", "GET", "virtual_private_gateways/{vpg_id}"),
      new Route("listGatePeers", "GET", "virtual_private_gateways/{vpg_id}/gate/peers"),
      new Route("registerGatePeer", "POST", "virtual_private_gateways/{vpg_id}/gate/peers"),
      new Route("unregisterGatePeer", "DELETE", "virtual_private_gateways/{vpg_id}/gate/peers/{outer_ip_address}"),
      new Route("openGate", "POST", "virtual_private_gateways/{vpg_id}/gate/open"),
      new Route("listVirtualPrivateGatewayIpAddressMapEntries", "GET", "virtual_private_gateways/{vpg_id}/ip_address_map"),
      new Route("getSim", "GET", "sims/{sim_id}"),
      new Route("listSubscribersInGroup", "GET", "groups/{group_id}/subscribers"),
      new Route("listSubscribers", "GET", "subscribers"));

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Object lock = new Object();
  private final InstantSource clock;
  private final ObjectMapper mapper = new ObjectMapper();
  private final SecureRandom random = new SecureRandom();
  private final ExecutorService handlers = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "mock-soracom-api");
    t.setDaemon(true);
    return t;
  });
  private HttpServer server;
  private final int port;

  private final Map<String, String> authKeys = new HashMap<>();
  private final Map<String, Issued> tokens = new HashMap<>();
  private final Map<String, MockVpg> vpgs = new LinkedHashMap<>();
  private final Map<String, MockSim> sims = new LinkedHashMap<>();
  private final Set<String> groups = new HashSet<>();

  private Duration tokenLifetimeCap;
  private DuplicateRegistration duplicateRegistration = DuplicateRegistration.REJECT_400;
  private WhenAlreadyOpen whenAlreadyOpen = WhenAlreadyOpen.REJECT_400;
  private CursorHeaders cursorHeaders = CursorHeaders.BOTH;
  private int maxPageSize = 100;

  private final Deque<Fault> faults = new ArrayDeque<>();
  private final Deque<Stall> stalls = new ArrayDeque<>();
  private int stormLeft;
  private long stormSeconds;
  private int budgetLimit;
  private Duration budgetWindow;
  private final Map<String, MockRateBudget> budgets = new HashMap<>();

  private final List<RecordedRequest> requests = new ArrayList<>();

  public MockSoracomApi(InstantSource clock) {
    this.clock = clock;
    this.server = listen(0);
    this.port = server.getAddress().getPort();
  }

  /** The base URL to give the client as its endpoint override. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port + "/v1");
  }

  // ---------------------------------------------------------------- state

  public MockSoracomApi addAuthKey(String authKeyId, String authKey) {
    synchronized (lock) {
      authKeys.put(authKeyId, authKey);
    }
    return this;
  }

  /** A VPG with the given device subnet, Gate closed, VNI 10, and its two own Gate peers. */
  public MockVpg addVpg(String vpgId, String deviceSubnet) {
    synchronized (lock) {
      MockVpg vpg = new MockVpg(lock, vpgId, MockIpv4.prefix(deviceSubnet),
          MockIpv4.prefix("100.64." + (152 + vpgs.size()) + ".0/24"), clock.millis() - 86_400_000L);
      vpgs.put(vpgId, vpg);
      return vpg;
    }
  }

  public MockSim addSim(String simId, String imsi) {
    synchronized (lock) {
      MockSim sim = new MockSim(lock, simId, imsi);
      sims.put(simId, sim);
      return sim;
    }
  }

  public MockSoracomApi addGroup(String groupId) {
    synchronized (lock) {
      groups.add(groupId);
    }
    return this;
  }

  // ---------------------------------------------------------------- behaviour where the reference says nothing

  /** Tokens live at most this long, whatever {@code tokenTimeoutSeconds} asked for (null: as asked). */
  public MockSoracomApi tokenLifetimeCap(Duration cap) {
    synchronized (lock) {
      tokenLifetimeCap = cap;
    }
    return this;
  }

  public MockSoracomApi duplicateRegistration(DuplicateRegistration answer) {
    synchronized (lock) {
      duplicateRegistration = answer;
    }
    return this;
  }

  public MockSoracomApi whenAlreadyOpen(WhenAlreadyOpen answer) {
    synchronized (lock) {
      whenAlreadyOpen = answer;
    }
    return this;
  }

  public MockSoracomApi cursorHeaders(CursorHeaders which) {
    synchronized (lock) {
      cursorHeaders = which;
    }
    return this;
  }

  /** The server's own page size: {@code limit} only lowers it (reference §3). */
  public MockSoracomApi maxPageSize(int size) {
    synchronized (lock) {
      maxPageSize = size;
    }
    return this;
  }

  // ---------------------------------------------------------------- faults

  /** The next {@code count} requests, whatever their operation, fail with {@code status} before doing anything. */
  public MockSoracomApi failNext(int count, int status) {
    return failNext(null, count, status);
  }

  /** The next {@code count} requests of {@code operation} fail with {@code status} before doing anything. */
  public MockSoracomApi failNext(String operation, int count, int status) {
    synchronized (lock) {
      for (int i = 0; i < count; i++) {
        faults.add(new Fault(operation, status, null, null, false, false));
      }
    }
    return this;
  }

  /** The next request of {@code operation} is carried out, then answered with {@code status} as if it had failed. */
  public MockSoracomApi failNextAfterApplying(String operation, int status) {
    synchronized (lock) {
      faults.add(new Fault(operation, status, null, null, true, false));
    }
    return this;
  }

  /** The next request of {@code operation} is refused with this error, before doing anything. */
  public MockSoracomApi rejectNext(String operation, int status, String code, String message) {
    synchronized (lock) {
      faults.add(new Fault(operation, status, code, message, false, false));
    }
    return this;
  }

  /**
   * The next request of {@code operation} is refused with 400 and a message that quotes the request's API key and
   * token, as a careless server might: the client must not carry them into its exceptions.
   */
  public MockSoracomApi echoCredentialsInNextError(String operation) {
    synchronized (lock) {
      faults.add(new Fault(operation, 400, "MCK0400", null, false, true));
    }
    return this;
  }

  /** The next {@code count} requests of {@code operation} are answered only after {@code delay} of real time. */
  public MockSoracomApi stallNext(String operation, int count, Duration delay) {
    synchronized (lock) {
      for (int i = 0; i < count; i++) {
        stalls.add(new Stall(operation, delay));
      }
    }
    return this;
  }

  /** Every API key and token the mock has issued, for tests that look for them where they must not be. */
  public List<String> issuedSecrets() {
    synchronized (lock) {
      List<String> all = new ArrayList<>();
      tokens.values().forEach(t -> {
        all.add(t.apiKey());
        all.add(t.token());
      });
      all.addAll(authKeys.keySet());
      all.addAll(authKeys.values());
      return all;
    }
  }

  /** The next {@code count} requests are answered 429, saying the window refreshes in {@code secondsBeforeRefresh}. */
  public MockSoracomApi storm429(int count, long secondsBeforeRefresh) {
    synchronized (lock) {
      stormLeft = count;
      stormSeconds = secondsBeforeRefresh;
    }
    return this;
  }

  /**
   * A quota of {@code limit} requests per {@code window}, separately for {@code auth} (limited per caller address) and
   * for the other operations (per operator); every answer then carries the three rate-limit headers.
   */
  public MockSoracomApi rateLimit(int limit, Duration window) {
    synchronized (lock) {
      budgetLimit = limit;
      budgetWindow = window;
      budgets.clear();
    }
    return this;
  }

  /** Stops listening: connections are refused until {@link #comeBack()}. */
  public void goDown() {
    HttpServer listening;
    synchronized (lock) {
      listening = server;
      server = null;
    }
    // Outside the lock: stop waits for the dispatcher, which may be waiting for the lock.
    if (listening != null) {
      listening.stop(0);
    }
  }

  /** Listens again on the same port. */
  public void comeBack() {
    synchronized (lock) {
      if (server == null) {
        server = listen(port);
      }
    }
  }

  // ---------------------------------------------------------------- observation

  public int calls(String operation) {
    synchronized (lock) {
      return (int) requests.stream().filter(r -> r.operation().equals(operation)).count();
    }
  }

  public List<RecordedRequest> requests() {
    synchronized (lock) {
      return List.copyOf(requests);
    }
  }

  /** The most requests (matching {@code which}) that arrived within any half-open window of this length. */
  public int maxRequestsWithin(Duration window, Predicate<RecordedRequest> which) {
    List<Instant> times = requests().stream().filter(which).map(RecordedRequest::at).sorted().toList();
    int max = 0;
    for (int i = 0, j = 0; i < times.size(); i++) {
      while (j < times.size() && times.get(j).isBefore(times.get(i).plus(window))) {
        j++;
      }
      max = Math.max(max, j - i);
    }
    return max;
  }

  @Override
  public void close() {
    goDown();
    handlers.shutdownNow();
  }

  // ---------------------------------------------------------------- HTTP

  private HttpServer listen(int onPort) {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
      s.createContext("/", this::handle);
      // Several handler threads, so that a stalled exchange does not hold up the next; state stays under the lock.
      s.setExecutor(handlers);
      s.start();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("mock SORACOM API cannot listen on port " + onPort, e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      stallIfAsked(exchange);
      Reply reply;
      synchronized (lock) {
        reply = answer(exchange, body);
      }
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      if (reply.body() == null) {
        exchange.sendResponseHeaders(reply.status(), -1);
      } else {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), reply.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply.body());
        }
      }
    }
  }

  private void stallIfAsked(HttpExchange exchange) {
    Duration delay = null;
    synchronized (lock) {
      String operation;
      try {
        operation = route(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()).operation();
      } catch (MockApiError unrouted) {
        return;
      }
      for (var it = stalls.iterator(); it.hasNext();) {
        Stall s = it.next();
        if (s.operation().equals(operation)) {
          delay = s.delay();
          it.remove();
          break;
        }
      }
    }
    if (delay != null) {
      try {
        Thread.sleep(delay); // real time: the client's call timeout is real time too
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Reply answer(HttpExchange exchange, byte[] body) {
    Instant now = clock.instant();
    String method = exchange.getRequestMethod();
    String rawPath = exchange.getRequestURI().getRawPath();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    Map<String, String> headers = new TreeMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
    String operation = "unknown";
    Reply reply;
    try {
      Matched matched = route(method, rawPath);
      operation = matched.operation();
      reply = controlled(matched, exchange, body, query, rawPath, now);
    } catch (MockApiError e) {
      reply = error(e);
    }
    requests.add(new RecordedRequest(operation, method, rawPath, query, headers, new String(body, StandardCharsets.UTF_8), now,
        reply.status()));
    return reply;
  }

  /** Faults, storms and the budget come before authentication and the operation itself. */
  private Reply controlled(Matched m, HttpExchange exchange, byte[] body, Map<String, String> query, String rawPath, Instant now) {
    Optional<Fault> fault = takeFault(m.operation());
    if (fault.isPresent() && fault.get().echoCredentials()) {
      return error(MockApiError.badRequest("Rejected request with API key "
          + exchange.getRequestHeaders().getFirst("X-Soracom-API-Key") + " and token "
          + exchange.getRequestHeaders().getFirst("X-Soracom-Token")));
    }
    if (fault.isPresent() && !fault.get().afterApplying()) {
      return injected(fault.get());
    }
    if (stormLeft > 0) {
      stormLeft--;
      return withHeaders(error(new MockApiError(429, "MCK0429", "Too many requests")), Map.of(
          "X-Soracom-Ratelimit-Limit", Integer.toString(budgetLimit > 0 ? budgetLimit : 100),
          "X-Soracom-Ratelimit-Remaining", "0",
          "X-Soracom-Ratelimit-Seconds-Before-Refresh", Long.toString(stormSeconds)));
    }
    Map<String, String> limitHeaders = Map.of();
    if (budgetLimit > 0) {
      String group = m.operation().equals("auth") ? "auth" : "api";
      MockRateBudget.Verdict v = budgets.computeIfAbsent(group, g -> new MockRateBudget(budgetLimit, budgetWindow)).take(now);
      limitHeaders = Map.of(
          "X-Soracom-Ratelimit-Limit", Integer.toString(v.limit()),
          "X-Soracom-Ratelimit-Remaining", Integer.toString(v.remaining()),
          "X-Soracom-Ratelimit-Seconds-Before-Refresh", Long.toString(v.secondsBeforeRefresh()));
      if (!v.allowed()) {
        return withHeaders(error(new MockApiError(429, "MCK0429", "Too many requests")), limitHeaders);
      }
    }
    Reply reply;
    try {
      Issued session = m.operation().equals("auth") ? null : authenticate(exchange, m.operation(), now);
      reply = operate(m, session, exchange, body, query, rawPath, now);
    } catch (MockApiError e) {
      reply = error(e);
    }
    if (fault.isPresent()) {
      reply = injected(fault.get());
    }
    return withHeaders(reply, limitHeaders);
  }

  private Optional<Fault> takeFault(String operation) {
    for (var it = faults.iterator(); it.hasNext();) {
      Fault f = it.next();
      if (f.operation() == null || f.operation().equals(operation)) {
        it.remove();
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  private static Matched route(String method, String rawPath) {
    if (!rawPath.startsWith("/v1/")) {
      throw MockApiError.notFound("no such path: " + rawPath);
    }
    String[] segments = rawPath.substring(4).split("/", -1);
    boolean pathKnown = false;
    for (Route r : ROUTES) {
      Map<String, String> params = match(r.pattern(), segments);
      if (params != null) {
        pathKnown = true;
        if (r.method().equals(method)) {
          return new Matched(r.operation(), params);
        }
      }
    }
    throw pathKnown
        ? new MockApiError(405, "MCK0405", method + " is not allowed on " + rawPath)
        : MockApiError.notFound("no such path in the mock: " + rawPath);
  }

  private static Map<String, String> match(String[] pattern, String[] segments) {
    if (pattern.length != segments.length) {
      return null;
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      if (pattern[i].startsWith("{")) {
        if (segments[i].isEmpty()) {
          return null;
        }
        params.put(pattern[i].substring(1, pattern[i].length() - 1), URLDecoder.decode(segments[i].replace("+", "%2B"), StandardCharsets.UTF_8));
      } else if (!pattern[i].equals(segments[i])) {
        return null;
      }
    }
    return params;
  }

  // ---------------------------------------------------------------- authentication

  /**
   * Both headers are required on every operation but {@code auth} (reference §1). Missing: 401 AUM0001 (the one such
   * body on record); unknown or mismatched: 401; expired: 401, except on {@code generateAuthToken}, whose spec declares
   * 400 {@code APICallError} for an expired token.
   */
  private Issued authenticate(HttpExchange exchange, String operation, Instant now) {
    String apiKey = exchange.getRequestHeaders().getFirst("X-Soracom-API-Key");
    String token = exchange.getRequestHeaders().getFirst("X-Soracom-Token");
    if (apiKey == null || apiKey.isBlank()) {
      throw new MockApiError(401, "AUM0001", "API key is required in the request header");
    }
    if (token == null || token.isBlank()) {
      throw new MockApiError(401, "AUM0001", "Token is required in the request header");
    }
    Issued issued = tokens.get(token);
    if (issued == null || !issued.apiKey().equals(apiKey)) {
      throw new MockApiError(401, "MCK0401", "Invalid API key or token");
    }
    if (!now.isBefore(issued.expiresAt())) {
      if (operation.equals("generateAuthToken")) {
        throw new MockApiError(400, "MCK0402", "The token has expired", true);
      }
      throw new MockApiError(401, "MCK0402", "The token has expired");
    }
    return issued;
  }

  private Reply auth(HttpExchange exchange, byte[] body, Instant now) {
    ObjectNode req = jsonObject(exchange, body, true);
    boolean keySet = req.has("authKeyId") || req.has("authKey");
    boolean rootSet = req.has("email");
    boolean samSet = req.has("operatorId") || req.has("userName");
    int sets = (keySet ? 1 : 0) + (rootSet ? 1 : 0) + (samSet ? 1 : 0);
    if (sets != 1) {
      throw MockApiError.badRequest("Send exactly one credential set: authKeyId and authKey, email and password, "
          + "or operatorId, userName and password");
    }
    long seconds = optionalInteger(req, "tokenTimeoutSeconds", MIN_TOKEN_SECONDS, MAX_TOKEN_SECONDS, false)
        .orElse(DEFAULT_TOKEN_SECONDS);
    if (!keySet) {
      throw new MockApiError(401, "MCK0401", "Authentication failed"); // the mock has no password users
    }
    String keyId = requiredString(req, "authKeyId", false);
    String key = requiredString(req, "authKey", false);
    if (!key.equals(authKeys.get(keyId))) {
      throw new MockApiError(401, "MCK0401", "Authentication failed");
    }
    Issued issued = issue("api-" + UUID.randomUUID(), seconds, now);
    ObjectNode out = NODES.objectNode().put("apiKey", issued.apiKey()).put("token", issued.token())
        .put("operatorId", OPERATOR_ID).put("userName", SAM_USER);
    return json(200, out);
  }

  private Reply generateAuthToken(Matched m, Issued session, HttpExchange exchange, byte[] body, Instant now) {
    if (!OPERATOR_ID.equals(m.params().get("operator_id"))) {
      throw new MockApiError(403, "MCK0403", "Not allowed for another operator");
    }
    ObjectNode req = jsonObject(exchange, body, true, true);
    long seconds = optionalInteger(req, "tokenTimeoutSeconds", MIN_TOKEN_SECONDS, MAX_TOKEN_SECONDS, true)
        .orElse(DEFAULT_TOKEN_SECONDS);
    Issued issued = issue(session.apiKey(), seconds, now);
    return json(200, NODES.objectNode().put("token", issued.token()));
  }

  private Issued issue(String apiKey, long seconds, Instant now) {
    Duration lifetime = Duration.ofSeconds(seconds);
    if (tokenLifetimeCap != null && tokenLifetimeCap.compareTo(lifetime) < 0) {
      lifetime = tokenLifetimeCap;
    }
    // Shaped like a JWT (header.payload.signature), random, never parsed by anyone.
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String token = "eyJ" + b64.encodeToString(bytes(18)) + "." + b64.encodeToString(bytes(48)) + "." + b64.encodeToString(bytes(32));
    Issued issued = new Issued(apiKey, token, now.plus(lifetime));
    tokens.put(token, issued);
    return issued;
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  // ---------------------------------------------------------------- operations

  private Reply operate(Matched m, Issued session, HttpExchange exchange, byte[] body, Map<String, String> query, String rawPath,
      Instant now) {
    long nowMs = now.toEpochMilli();
    return switch (m.operation()) {
      case "auth" -> auth(exchange, body, now);
      case "generateAuthToken" -> generateAuthToken(m, session, exchange, body, now);
      case "getVirtualPrivateGateway" -> {
        MockVpg vpg = vpg(m);
        int online = (int) sims.values().stream().filter(s -> s.onlineIn(vpg.id)).count();
        yield json(200, vpg.json(online, nowMs));
      }
      case "listGatePeers" -> json(200, vpg(m).peersJson());
      case "registerGatePeer" -> registerGatePeer(vpg(m), exchange, body);
      case "unregisterGatePeer" -> unregisterGatePeer(vpg(m), m.params().get("outer_ip_address"));
      case "openGate" -> openGate(vpg(m), exchange, body);
      case "listVirtualPrivateGatewayIpAddressMapEntries" -> {
        List<ObjectNode> entries = new ArrayList<>(vpg(m).ipAddressMap(nowMs));
        entries.sort(Comparator.comparingLong(e -> MockIpv4.address(e.get("ipAddress").asText())));
        String cursor = query.get("last_evaluated_key");
        if (cursor != null && !MockIpv4.isAddress(cursor)) {
          throw MockApiError.badRequest("last_evaluated_key must be the last IP address of the previous page");
        }
        yield page(entries, e -> e.get("ipAddress").asText(), Comparator.comparingLong(MockIpv4::address), query, rawPath, Integer.MAX_VALUE);
      }
      case "getSim" -> {
        MockSim sim = sims.get(m.params().get("sim_id"));
        if (sim == null) {
          throw MockApiError.notFound("No such SIM found");
        }
        yield json(200, sim.simJson(nowMs));
      }
      case "listSubscribersInGroup" -> {
        String group = m.params().get("group_id");
        if (!groups.contains(group)) {
          throw MockApiError.notFound("No such group found");
        }
        List<ObjectNode> members = sims.values().stream().filter(s -> group.equals(s.groupId()))
            .sorted(Comparator.comparing(s -> s.imsi)).map(s -> s.simJson(nowMs)).toList();
        yield page(members, MockSoracomApi::primaryImsi, Comparator.naturalOrder(), query, rawPath, Integer.MAX_VALUE);
      }
      case "listSubscribers" -> listSubscribers(query, rawPath, nowMs);
      default -> throw new IllegalStateException("unrouted " + m.operation());
    };
  }

  private MockVpg vpg(Matched m) {
    MockVpg vpg = vpgs.get(m.params().get("vpg_id"));
    if (vpg == null) {
      throw MockApiError.notFound("No such VPG found");
    }
    return vpg;
  }

  private Reply registerGatePeer(MockVpg vpg, HttpExchange exchange, byte[] body) {
    ObjectNode req = jsonObject(exchange, body, true);
    String outer = requiredString(req, "outerIpAddress", false);
    if (!MockIpv4.isAddress(outer)) {
      throw MockApiError.badRequest("outerIpAddress is not an IPv4 address");
    }
    Optional<String> inner = optionalString(req, "innerIpAddress");
    Optional<MockVpg.Peer> existing = Optional.ofNullable(vpg.peers().stream()
        .filter(p -> p.outerIpAddress().equals(outer)).findFirst().orElse(null));
    if (existing.isPresent()) {
      if (!existing.get().ownedByCustomer() || duplicateRegistration == DuplicateRegistration.REJECT_400) {
        throw MockApiError.badRequest("Gate peer " + outer + " is already registered");
      }
      return json(200, vpg.peerJson(existing.get()));
    }
    String innerIp;
    if (inner.isPresent()) {
      innerIp = inner.get();
      if (!vpg.deviceSubnet.hasHost(innerIp)) {
        throw MockApiError.badRequest("innerIpAddress must be a host address in the device subnet " + vpg.deviceSubnet);
      }
      if (vpg.innerInUse(innerIp)) {
        throw MockApiError.badRequest("innerIpAddress " + innerIp + " is already in use");
      }
    } else {
      innerIp = vpg.freeInnerAddress();
    }
    MockVpg.Peer peer = new MockVpg.Peer(outer, innerIp, true);
    vpg.addPeer(peer);
    return json(200, vpg.peerJson(peer));
  }

  private Reply unregisterGatePeer(MockVpg vpg, String outer) {
    MockVpg.Peer peer = vpg.peers().stream().filter(p -> p.outerIpAddress().equals(outer)).findFirst()
        .orElseThrow(() -> MockApiError.notFound("No such gate peer found"));
    if (!peer.ownedByCustomer()) {
      throw MockApiError.badRequest("Gate peers of the VPG cannot be unregistered");
    }
    vpg.removeCustomerPeer(outer);
    return new Reply(204, Map.of(), null);
  }

  private Reply openGate(MockVpg vpg, HttpExchange exchange, byte[] body) {
    ObjectNode req = body.length == 0 ? NODES.objectNode() : jsonObject(exchange, body, false);
    long vni = optionalInteger(req, "vxlanId", 1, MAX_VXLAN_ID, false).orElse(10L);
    boolean separator = optionalBoolean(req, "privacySeparatorEnabled").orElse(false);
    if (vpg.isGateOpen() && whenAlreadyOpen == WhenAlreadyOpen.REJECT_400) {
      throw MockApiError.badRequest("Gate is already open");
    }
    vpg.open(vni, separator);
    return new Reply(200, Map.of(), null);
  }

  private Reply listSubscribers(Map<String, String> query, String rawPath, long nowMs) {
    for (String unsupported : List.of("status_filter", "speed_class_filter", "serial_number_filter")) {
      if (query.containsKey(unsupported)) {
        throw new MockApiError(501, "MCK0501", unsupported + " is not implemented by the mock");
      }
    }
    String tagName = query.get("tag_name");
    String tagValue = query.get("tag_value");
    String mode = query.getOrDefault("tag_value_match_mode", "exact");
    if (tagName != null && tagValue == null) {
      throw MockApiError.badRequest("tag_value is required with tag_name");
    }
    if (!mode.equals("exact") && !mode.equals("prefix")) {
      throw MockApiError.badRequest("tag_value_match_mode must be exact or prefix");
    }
    String limit = query.get("limit");
    if (limit != null && (!limit.matches("[0-9]{1,3}") || Integer.parseInt(limit) < 1 || Integer.parseInt(limit) > 100)) {
      throw MockApiError.badRequest("limit must be between 1 and 100");
    }
    List<ObjectNode> matching = sims.values().stream()
        .filter(s -> tagName == null || matchesTag(s.tag(tagName), tagValue, mode))
        .sorted(Comparator.comparing(s -> s.imsi)).map(s -> s.subscriberJson(nowMs)).toList();
    return page(matching, s -> s.get("imsi").asText(), Comparator.naturalOrder(), query, rawPath, 100);
  }

  private static boolean matchesTag(String actual, String wanted, String mode) {
    return actual != null && (mode.equals("exact") ? actual.equals(wanted) : actual.startsWith(wanted));
  }

  private static String primaryImsi(ObjectNode sim) {
    return sim.get("profiles").elements().next().get("primaryImsi").asText();
  }

  // ---------------------------------------------------------------- pagination

  /**
   * One page of {@code sorted}: items after the cursor ({@code last_evaluated_key} = key of the previous page's last
   * item), at most {@code limit} and the server's page size. Cursor headers only when more items remain.
   */
  private Reply page(List<ObjectNode> sorted, Function<ObjectNode, String> key, Comparator<String> order,
      Map<String, String> query, String rawPath, int maxLimit) {
    int size = maxPageSize;
    String limit = query.get("limit");
    if (limit != null) {
      if (!limit.matches("[0-9]{1,9}") || Integer.parseInt(limit) < 1 || Integer.parseInt(limit) > maxLimit) {
        throw MockApiError.badRequest("limit must be a positive integer" + (maxLimit < Integer.MAX_VALUE ? " up to " + maxLimit : ""));
      }
      size = Math.min(size, Integer.parseInt(limit));
    }
    String cursor = query.get("last_evaluated_key");
    int start = 0;
    if (cursor != null) {
      while (start < sorted.size() && order.compare(key.apply(sorted.get(start)), cursor) <= 0) {
        start++;
      }
    }
    int end = Math.min(sorted.size(), start + size);
    ArrayNode items = NODES.arrayNode();
    sorted.subList(start, end).forEach(items::add);
    Map<String, String> headers = new LinkedHashMap<>();
    if (end < sorted.size() && end > start) {
      String next = key.apply(sorted.get(end - 1));
      if (cursorHeaders != CursorHeaders.LINK_ONLY) {
        headers.put("X-Soracom-Next-Key", next);
      }
      if (cursorHeaders != CursorHeaders.NEXT_KEY_ONLY) {
        StringBuilder link = new StringBuilder("</v1").append(rawPath.substring(3)).append('?');
        query.forEach((k, v) -> {
          if (!k.equals("last_evaluated_key")) {
            link.append(encode(k)).append('=').append(encode(v)).append('&');
          }
        });
        link.append("last_evaluated_key=").append(encode(next)).append(">; rel=next");
        headers.put("Link", link.toString());
      }
    }
    return new Reply(200, headers, bytes(items));
  }

  // ---------------------------------------------------------------- request bodies

  private ObjectNode jsonObject(HttpExchange exchange, byte[] body, boolean required) {
    return jsonObject(exchange, body, required, false);
  }

  /** A request body must be a JSON object sent as {@code application/json}; {@code nested}: answer as APICallError. */
  private ObjectNode jsonObject(HttpExchange exchange, byte[] body, boolean required, boolean nested) {
    if (body.length == 0) {
      if (required) {
        throw new MockApiError(400, "MCK0400", "Request body is required", nested);
      }
      return NODES.objectNode();
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new MockApiError(400, "MCK0400", "Content-Type must be application/json", nested);
    }
    try {
      JsonNode node = mapper.readTree(body);
      if (node instanceof ObjectNode object) {
        return object;
      }
    } catch (IOException malformed) {
      // answered below
    }
    throw new MockApiError(400, "MCK0400", "Request body is not a JSON object", nested);
  }

  private static String requiredString(ObjectNode req, String field, boolean nested) {
    JsonNode v = req.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new MockApiError(400, "MCK0400", field + " is required and must be a string", nested);
    }
    return v.asText();
  }

  private static Optional<String> optionalString(ObjectNode req, String field) {
    JsonNode v = req.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw MockApiError.badRequest(field + " must be a string");
    }
    return Optional.of(v.asText());
  }

  private static Optional<Long> optionalInteger(ObjectNode req, String field, long min, long max, boolean nested) {
    JsonNode v = req.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
      throw new MockApiError(400, "MCK0400", field + " must be an integer from " + min + " to " + max, nested);
    }
    return Optional.of(v.asLong());
  }

  private static Optional<Boolean> optionalBoolean(ObjectNode req, String field) {
    JsonNode v = req.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isBoolean()) {
      throw MockApiError.badRequest(field + " must be a boolean");
    }
    return Optional.of(v.asBoolean());
  }

  // ---------------------------------------------------------------- replies

  private Reply json(int status, JsonNode body) {
    return new Reply(status, Map.of(), bytes(body));
  }

  private byte[] bytes(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Reply error(MockApiError e) {
    ObjectNode flat = NODES.objectNode().put("code", e.code).put("message", e.getMessage());
    if (e.nested) {
      ObjectNode nested = NODES.objectNode().put("httpStatus", e.status);
      nested.set("errorMessage", flat);
      return json(e.status, nested);
    }
    return json(e.status, flat);
  }

  private Reply injected(Fault f) {
    if (f.code() != null) {
      return error(new MockApiError(f.status(), f.code(), f.message() == null ? "Injected error" : f.message()));
    }
    return error(f.status() == 500
        ? new MockApiError(500, "COM0003", "Internal server error")
        : new MockApiError(f.status(), "MCK0" + f.status(), "Injected error"));
  }

  private static Reply withHeaders(Reply reply, Map<String, String> extra) {
    if (extra.isEmpty()) {
      return reply;
    }
    Map<String, String> headers = new LinkedHashMap<>(reply.headers());
    headers.putAll(extra);
    return new Reply(reply.status(), headers, reply.body());
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.putIfAbsent(k, v);
    }
    return params;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
