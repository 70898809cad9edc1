package dev.simgate.operator.soracom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The mock rejects what the reference says the real API rejects, pages like it, and its test controls do what they say. */
class MockSoracomApiTest {
  private static final String VPG = "/virtual_private_gateways/vpg-1";

  private final ManualTime time = new ManualTime();
  private MockSoracomApi api;
  private MockVpg vpg;
  private RawHttp http;

  @BeforeEach
  void start() {
    api = new MockSoracomApi(time).addAuthKey("keyId-mock", "secret-mock").addGroup("group-a");
    vpg = api.addVpg("vpg-1", "10.128.0.0/9").putStaticEntry("440100000000001", "10.128.10.1");
    api.addSim("8981100000000000001", "440100000000001").named("edge-01");
    http = new RawHttp(api.baseUri()).login("keyId-mock", "secret-mock");
  }

  @AfterEach
  void stop() {
    http.close();
    api.close();
  }

  // ------------------------------------------------------------------ authentication headers

  @Test
  void everyOperationButAuthNeedsBothHeaders() {
    Map<String, String[]> operations = new LinkedHashMap<>();
    operations.put("getVirtualPrivateGateway", new String[] {"GET", VPG, null});
    operations.put("listGatePeers", new String[] {"GET", VPG + "/gate/peers", null});
    operations.put("registerGatePeer", new String[] {"POST", VPG + "/gate/peers", "{\"outerIpAddress\":\"10.0.1.9\"}"});
    operations.put("unregisterGatePeer", new String[] {"DELETE", VPG + "/gate/peers/10.0.1.9", null});
    operations.put("openGate", new String[] {"POST", VPG + "/gate/open", "{}"});
    operations.put("listIpAddressMap", new String[] {"GET", VPG + "/ip_address_map", null});
    operations.put("getSim", new String[] {"GET", "/sims/8981100000000000001", null});
    operations.put("listSubscribersInGroup", new String[] {"GET", "/groups/group-a/subscribers", null});
    operations.put("listSubscribers", new String[] {"GET", "/subscribers", null});
    operations.put("generateAuthToken", new String[] {"POST", "/operators/" + MockSoracomApi.OPERATOR_ID + "/token", "{}"});
    RawHttp other = new RawHttp(api.baseUri()).login("keyId-mock", "secret-mock");

    operations.forEach((name, op) -> {
      Map<String, String> json = op[2] == null ? Map.of() : Map.of("Content-Type", "application/json");
      assertThat(send(op, json)).as(name + " without headers").extracting(RawHttp.Answer::status, a -> a.json().get("code").asText())
          .containsExactly(401, "AUM0001");
      assertThat(send(op, with(json, "X-Soracom-API-Key", http.apiKey()))).as(name + " without token")
          .extracting(RawHttp.Answer::status, a -> a.json().get("code").asText()).containsExactly(401, "AUM0001");
      assertThat(send(op, with(with(json, "X-Soracom-API-Key", http.apiKey()), "X-Soracom-Token", "eyJforged.x.y")).status())
          .as(name + " with an unknown token").isEqualTo(401);
      assertThat(send(op, with(with(json, "X-Soracom-API-Key", http.apiKey()), "X-Soracom-Token", other.token())).status())
          .as(name + " with another session's token").isEqualTo(401);
    });
    other.close();
    assertThat(vpg.peer("10.0.1.9")).as("nothing was registered without auth").isEmpty();
    assertThat(vpg.isGateOpen()).isFalse();
  }

  @Test
  void tokensExpireAfterTheirLifetimeOrTheCap() {
    RawHttp shortLived = new RawHttp(api.baseUri());
    RawHttp.Answer a = shortLived.send("POST", "/auth", Map.of("Content-Type", "application/json"),
        "{\"authKeyId\":\"keyId-mock\",\"authKey\":\"secret-mock\",\"tokenTimeoutSeconds\":180}");
    Map<String, String> headers = Map.of("X-Soracom-API-Key", a.json().get("apiKey").asText(),
        "X-Soracom-Token", a.json().get("token").asText());
    time.advance(Duration.ofSeconds(179));
    assertThat(shortLived.send("GET", VPG, headers, null).status()).isEqualTo(200);
    time.advance(Duration.ofSeconds(1));
    RawHttp.Answer expired = shortLived.send("GET", VPG, headers, null);
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.json().get("message").asText()).contains("expired");
    shortLived.close();

    api.tokenLifetimeCap(Duration.ofMinutes(5));
    RawHttp capped = new RawHttp(api.baseUri()).login("keyId-mock", "secret-mock");
    time.advance(Duration.ofMinutes(5));
    assertThat(capped.get(VPG).status()).as("asked for 24 h, capped at 5 min").isEqualTo(401);
    capped.close();
  }

  @Test
  void authRejectsBadBodiesAndWrongCredentials() {
    Map<String, String> json = Map.of("Content-Type", "application/json");
    assertThat(http.send("POST", "/auth", json, null).status()).as("no body").isEqualTo(400);
    assertThat(http.send("POST", "/auth", json, "{not json").status()).isEqualTo(400);
    assertThat(http.send("POST", "/auth", json, "[]").status()).isEqualTo(400);
    assertThat(http.send("POST", "/auth", Map.of("Content-Type", "text/plain"),
        "{\"authKeyId\":\"keyId-mock\",\"authKey\":\"secret-mock\"}").status()).isEqualTo(400);
    assertThat(http.send("POST", "/auth", json, "{\"authKeyId\":\"keyId-mock\"}").status()).isEqualTo(400);
    assertThat(http.send("POST", "/auth", json,
        "{\"authKeyId\":\"keyId-mock\",\"authKey\":\"secret-mock\",\"email\":\"a@b\",\"password\":\"p\"}").status())
        .as("two credential sets").isEqualTo(400);
    for (String timeout : List.of("179", "172801", "\"600\"", "600.5")) {
      assertThat(http.send("POST", "/auth", json,
          "{\"authKeyId\":\"keyId-mock\",\"authKey\":\"secret-mock\",\"tokenTimeoutSeconds\":" + timeout + "}").status())
          .as("tokenTimeoutSeconds " + timeout).isEqualTo(400);
    }
    assertThat(http.send("POST", "/auth", json, "{\"authKeyId\":\"keyId-mock\",\"authKey\":\"secret-nope\"}").status())
        .isEqualTo(401);
    assertThat(http.send("POST", "/auth", json, "{\"authKeyId\":\"keyId-nope\",\"authKey\":\"secret-mock\"}").status())
        .isEqualTo(401);
  }

  // ------------------------------------------------------------------ Gate peers and Gate

  @Test
  void registerRejectsBadBodiesAndChangesNothing() {
    String peers = VPG + "/gate/peers";
    List<String> bad = List.of(
        "{}",
        "{\"outerIpAddress\":\"\"}",
        "{\"outerIpAddress\":\"10.0.1\"}",
        "{\"outerIpAddress\":\"10.0.1.300\"}",
        "{\"outerIpAddress\":167772161}",
        "{\"outerIpAddress\":\"10.0.1.9\",\"innerIpAddress\":\"192.168.0.1\"}",
        "{\"outerIpAddress\":\"10.0.1.9\",\"innerIpAddress\":\"10.128.0.0\"}",
        "{\"outerIpAddress\":\"10.0.1.9\",\"innerIpAddress\":\"10.255.255.255\"}",
        "{\"outerIpAddress\":\"10.0.1.9\",\"innerIpAddress\":\"10.128.0.2\"}",
        "{\"outerIpAddress\":\"10.0.1.9\",\"innerIpAddress\":\"10.128.10.1\"}",
        "{\"outerIpAddress\":\"10.0.1.9\",\"innerIpAddress\":10}",
        "{\"outerIpAddress\":\"10.0.1.9\"");
    for (String body : bad) {
      RawHttp.Answer a = http.post(peers, body);
      assertThat(a.status()).as(body).isEqualTo(400);
      assertThat(a.json().get("code").asText()).isNotBlank();
    }
    assertThat(http.send("POST", peers, http.authHeaders(), null).status()).as("no body").isEqualTo(400);
    assertThat(http.send("POST", peers, with(http.authHeaders(), "Content-Type", "text/plain"),
        "{\"outerIpAddress\":\"10.0.1.9\"}").status()).as("not sent as JSON").isEqualTo(400);
    assertThat(http.post("/virtual_private_gateways/nope/gate/peers", "{\"outerIpAddress\":\"10.0.1.9\"}").status()).isEqualTo(404);
    assertThat(vpg.peers()).hasSize(2);
  }

  @Test
  void duplicateRegistrationAnswersAsConfigured() {
    String peers = VPG + "/gate/peers";
    String body = "{\"outerIpAddress\":\"10.0.1.9\",\"innerIpAddress\":\"10.128.5.5\"}";
    assertThat(http.post(peers, body).status()).isEqualTo(200);
    assertThat(http.post(peers, body).status()).as("default: 400").isEqualTo(400);
    api.duplicateRegistration(MockSoracomApi.DuplicateRegistration.RETURN_EXISTING_200);
    RawHttp.Answer again = http.post(peers, "{\"outerIpAddress\":\"10.0.1.9\"}");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("innerIpAddress").asText()).isEqualTo("10.128.5.5");
    assertThat(http.post(peers, "{\"outerIpAddress\":\"" + vpg.peers().get(0).outerIpAddress() + "\"}").status())
        .as("a VPG peer's outer address is never a customer's").isEqualTo(400);
  }

  @Test
  void unregisterTouchesOnlyCustomerPeers() {
    String vpgPeer = vpg.peers().get(0).outerIpAddress();
    assertThat(http.delete(VPG + "/gate/peers/" + vpgPeer).status()).isEqualTo(400);
    assertThat(http.delete(VPG + "/gate/peers/10.0.9.9").status()).isEqualTo(404);
    assertThat(http.delete("/virtual_private_gateways/nope/gate/peers/10.0.9.9").status()).isEqualTo(404);
    assertThat(vpg.peers()).hasSize(2);
  }

  @Test
  void openGateTakesAnOptionalBodyAndRejectsBadValues() {
    for (String body : List.of("{\"vxlanId\":0}", "{\"vxlanId\":16777216}", "{\"vxlanId\":\"10\"}",
        "{\"privacySeparatorEnabled\":\"no\"}", "[1]")) {
      assertThat(http.post(VPG + "/gate/open", body).status()).as(body).isEqualTo(400);
    }
    assertThat(vpg.isGateOpen()).isFalse();
    assertThat(http.post(VPG + "/gate/open", null).status()).as("no body: defaults").isEqualTo(200);
    assertThat(vpg.isGateOpen()).isTrue();
    assertThat(vpg.vxlanId()).isEqualTo(10);
    assertThat(http.post(VPG + "/gate/open", "{\"vxlanId\":77}").status()).as("already open: default 400").isEqualTo(400);
    assertThat(vpg.vxlanId()).isEqualTo(10);
    api.whenAlreadyOpen(MockSoracomApi.WhenAlreadyOpen.ACCEPT_200);
    assertThat(http.post(VPG + "/gate/open", "{\"vxlanId\":77,\"privacySeparatorEnabled\":true}").status()).isEqualTo(200);
    assertThat(vpg.vxlanId()).isEqualTo(77);
    assertThat(vpg.privacySeparator()).isTrue();
  }

  @Test
  void unknownPathsAndMethodsAreRefused() {
    assertThat(http.get("/virtual_private_gateways/vpg-1/gate/close").status()).isEqualTo(404);
    assertThat(http.send("PUT", VPG + "/gate/peers", http.authHeaders(), null).status()).isEqualTo(405);
    assertThat(http.get("/sims/nope").status()).isEqualTo(404);
    assertThat(http.get("/groups/nope/subscribers").status()).isEqualTo(404);
  }

  // ------------------------------------------------------------------ pagination

  @Test
  void pagesFollowTheCursorAndCarryBothHeadersUntilTheLast() {
    for (int i = 0; i < 250; i++) {
      api.addSim("89811000000000%05d".formatted(i), "44010000001%04d".formatted(i)).named("dev-" + i).inGroup("group-a");
    }
    List<String> imsis = new ArrayList<>();
    String cursor = null;
    List<Integer> sizes = new ArrayList<>();
    do {
      RawHttp.Answer page = http.get("/groups/group-a/subscribers?limit=100" + (cursor == null ? "" : "&last_evaluated_key=" + cursor));
      assertThat(page.status()).isEqualTo(200);
      sizes.add(page.json().size());
      page.json().forEach(s -> imsis.add(s.get("profiles").elements().next().get("primaryImsi").asText()));
      cursor = page.header("x-soracom-next-key");
      if (cursor != null) {
        assertThat(cursor).as("the cursor is the last IMSI of the page").isEqualTo(imsis.get(imsis.size() - 1));
        assertThat(page.header("link")).isEqualTo("</v1/groups/group-a/subscribers?limit=100&last_evaluated_key=" + cursor + ">; rel=next");
      } else {
        assertThat(page.header("link")).isNull();
      }
    } while (cursor != null);
    assertThat(sizes).containsExactly(100, 100, 50);
    assertThat(imsis).hasSize(250).doesNotHaveDuplicates().isSorted();

    api.maxPageSize(40);
    assertThat(http.get("/groups/group-a/subscribers?limit=100").json()).as("limit only lowers the page size").hasSize(40);
    assertThat(http.get("/subscribers?limit=0").status()).isEqualTo(400);
    assertThat(http.get("/subscribers?limit=101").status()).as("listSubscribers: limit 1..100").isEqualTo(400);
    assertThat(http.get("/subscribers?tag_name=name").status()).as("tag_value required with tag_name").isEqualTo(400);
    assertThat(http.get("/subscribers?tag_name=name&tag_value=x&tag_value_match_mode=regex").status()).isEqualTo(400);
  }

  @Test
  void ipAddressMapPagesByIpAddress() {
    for (int i = 1; i <= 5; i++) {
      vpg.putStaticEntry("4401000000100" + i, "10.128.20." + i);
    }
    RawHttp.Answer first = http.get(VPG + "/ip_address_map?limit=3");
    assertThat(first.json().findValuesAsText("ipAddress")).containsExactly("10.128.0.2", "10.128.0.3", "10.128.10.1");
    assertThat(first.header("x-soracom-next-key")).isEqualTo("10.128.10.1");
    RawHttp.Answer rest = http.get(VPG + "/ip_address_map?limit=10&last_evaluated_key=10.128.10.1");
    assertThat(rest.json()).hasSize(5);
    assertThat(rest.header("x-soracom-next-key")).isNull();
    assertThat(http.get(VPG + "/ip_address_map?last_evaluated_key=not-an-ip").status()).isEqualTo(400);
  }

  // ------------------------------------------------------------------ test controls

  @Test
  void failNextAnswersServerErrorsThenRecovers() {
    api.failNext(2, 503);
    assertThat(http.get(VPG).status()).isEqualTo(503);
    assertThat(http.get(VPG).status()).isEqualTo(503);
    assertThat(http.get(VPG).status()).isEqualTo(200);

    api.failNextAfterApplying("registerGatePeer", 500);
    assertThat(http.get(VPG).status()).as("other operations are not affected").isEqualTo(200);
    RawHttp.Answer failed = http.post(VPG + "/gate/peers", "{\"outerIpAddress\":\"10.0.1.9\"}");
    assertThat(failed.status()).isEqualTo(500);
    assertThat(failed.json().get("code").asText()).isEqualTo("COM0003");
    assertThat(vpg.peer("10.0.1.9")).as("applied despite the error answer").isPresent();
  }

  @Test
  void stormAnswers429WithRateLimitHeaders() {
    api.storm429(2, 42);
    for (int i = 0; i < 2; i++) {
      RawHttp.Answer a = http.get(VPG);
      assertThat(a.status()).isEqualTo(429);
      assertThat(a.header("x-soracom-ratelimit-remaining")).isEqualTo("0");
      assertThat(a.header("x-soracom-ratelimit-seconds-before-refresh")).isEqualTo("42");
      assertThat(a.header("x-soracom-ratelimit-limit")).isNotNull();
    }
    assertThat(http.get(VPG).status()).isEqualTo(200);
  }

  @Test
  void budgetCountsPerWindowAndRefreshes() {
    api.rateLimit(3, Duration.ofSeconds(60));
    List<String> remaining = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RawHttp.Answer a = http.get(VPG);
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.header("x-soracom-ratelimit-limit")).isEqualTo("3");
      remaining.add(a.header("x-soracom-ratelimit-remaining"));
      time.advance(Duration.ofSeconds(10));
    }
    assertThat(remaining).containsExactly("2", "1", "0");
    RawHttp.Answer over = http.get(VPG);
    assertThat(over.status()).isEqualTo(429);
    assertThat(over.header("x-soracom-ratelimit-seconds-before-refresh")).isEqualTo("30");
    time.advance(Duration.ofSeconds(30));
    assertThat(http.get(VPG).status()).as("a new window").isEqualTo(200);
    assertThat(api.calls("getVirtualPrivateGateway")).isEqualTo(5);
    assertThat(api.maxRequestsWithin(Duration.ofSeconds(60), r -> !r.operation().equals("auth"))).isEqualTo(4);
  }

  @Test
  void downRefusesConnectionsUntilItComesBack() {
    api.goDown();
    assertThatThrownBy(() -> http.get(VPG)).isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(ConnectException.class);
    api.comeBack();
    assertThat(http.get(VPG).status()).isEqualTo(200);
  }

  // ------------------------------------------------------------------ helpers

  private RawHttp.Answer send(String[] op, Map<String, String> headers) {
    return http.send(op[0], op[1], headers, op[2]);
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return h;
  }
}
