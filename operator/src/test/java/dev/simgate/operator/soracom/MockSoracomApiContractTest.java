package dev.simgate.operator.soracom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keeps the mock honest: every body it sends is checked against the field lists of shared/reference/soracom-api.md,
 * copied into {@link #SCHEMAS} below (names, JSON types, enums, required fields). A field the reference does not list,
 * a wrong type, a value outside an enum, a missing required field or a status code other than the reference's fails.
 */
class MockSoracomApiContractTest {
  // ------------------------------------------------------------------ the reference's schemas, copied by hand

  enum Type { STRING, INTEGER, NUMBER, BOOLEAN, OBJECT, ARRAY, MAP }

  /** One field: its JSON type, the schema of its object / array items / map values (null: plain or opaque), its enum. */
  record Field(Type type, Type itemType, String schema, Set<String> allowed) {}

  record Schema(Map<String, Field> fields, Set<String> required) {}

  private static final class Builder {
    private final Map<String, Field> fields = new LinkedHashMap<>();
    private Set<String> required = Set.of();

    Builder str(String... names) {
      for (String n : names) {
        fields.put(n, new Field(Type.STRING, null, null, null));
      }
      return this;
    }

    Builder strEnum(String name, String... values) {
      fields.put(name, new Field(Type.STRING, null, null, Set.of(values)));
      return this;
    }

    Builder integer(String... names) {
      for (String n : names) {
        fields.put(n, new Field(Type.INTEGER, null, null, null));
      }
      return this;
    }

    Builder intEnum(String name, String... values) {
      fields.put(name, new Field(Type.INTEGER, null, null, Set.of(values)));
      return this;
    }

    Builder number(String name) {
      fields.put(name, new Field(Type.NUMBER, null, null, null));
      return this;
    }

    Builder bool(String... names) {
      for (String n : names) {
        fields.put(n, new Field(Type.BOOLEAN, null, null, null));
      }
      return this;
    }

    /** An object of a listed schema, or opaque ({@code schema} null) where the reference gives no field list we use. */
    Builder obj(String name, String schema) {
      fields.put(name, new Field(Type.OBJECT, null, schema, null));
      return this;
    }

    Builder arrOf(String name, Type item, String schema) {
      fields.put(name, new Field(Type.ARRAY, item, schema, null));
      return this;
    }

    Builder mapOf(String name, Type value, String schema) {
      fields.put(name, new Field(Type.MAP, value, schema, null));
      return this;
    }

    Builder required(String... names) {
      required = Set.of(names);
      return this;
    }

    Schema build() {
      return new Schema(Map.copyOf(fields), required);
    }
  }

  private static Builder schema() {
    return new Builder();
  }

  private static final String[] SIM_STATUS = {"ready", "active", "inactive", "standby", "suspended", "terminated"};
  private static final String[] MODULE_TYPES = {"mini", "micro", "nano", "trio", "embedded", "virtual", "integrated", "profilePackage"};
  private static final String[] EXPIRY_ACTIONS = {"doNothing", "deleteSession", "deactivate", "suspend", "terminate"};

  static final Map<String, Schema> SCHEMAS = Map.ofEntries(
      // §2.1, §2.3
      Map.entry("AuthResponse", schema().str("apiKey", "token", "operatorId", "userName").build()),
      Map.entry("GenerateTokenResponse", schema().str("token").required("token").build()),
      // §5.1
      Map.entry("APICallErrorMessage", schema().str("code", "message").required("code", "message").build()),
      Map.entry("APICallError", schema().integer("httpStatus").obj("errorMessage", "APICallErrorMessage").build()),
      // §7.1
      Map.entry("GatePeer", schema().str("outerIpAddress", "innerIpAddress", "netmask").bool("ownedByCustomer").build()),
      // §7.11
      Map.entry("Placement", schema().strEnum("infrastructureProvider", "aws")
          .strEnum("region", "ap-northeast-1", "eu-central-1", "us-west-2", "ap-southeast-2").build()),
      Map.entry("SessionStats", schema().integer("online", "lastUpdatedAt").build()),
      // §7.3
      Map.entry("VirtualPrivateGateway", schema()
          .str("vpgId", "operatorId", "deviceSubnetCidrRange", "ueSubnetCidrRange", "vpgSubnetCidrRange",
              "primaryServiceName", "size")
          .intEnum("type", "12", "13", "14", "15", "242")
          .strEnum("status", "running")
          .obj("placement", "Placement")
          .bool("gateOpened", "gatePrivacySeparatorEnabled", "enableSimBasedRouting", "useInternetGateway",
              "fixedIpAddressesEnabled", "junctionEnabled", "implicitTerminationProtected")
          .number("gateVxlanId")
          .mapOf("simBasedRoutingConfig", Type.STRING, null)
          .obj("sessionStats", "SessionStats")
          .mapOf("tags", Type.STRING, "TagSet")
          .integer("createdTime", "lastModifiedTime", "offsetId")
          .arrOf("fixedPublicIpAddresses", Type.STRING, null)
          .obj("inspection", null).obj("mirroring", null).obj("redirection", null)
          .arrOf("routingFilterEntries", Type.OBJECT, null)
          .mapOf("customerRoutes", Type.OBJECT, null)
          .mapOf("vpcPeeringConnections", Type.STRING, null)
          .mapOf("virtualInterfaces", Type.STRING, null)
          .mapOf("vpnConnections", Type.OBJECT, null)
          .mapOf("transitGatewayAttachments", Type.OBJECT, null)
          .obj("soracomTransitGateway", null)
          .mapOf("soracomTransitGatewayPeeringConnections", Type.OBJECT, null)
          .mapOf("soracomTransitGatewayVpcAttachments", Type.OBJECT, null)
          .arrOf("allowedOperators", Type.STRING, null)
          .build()),
      // §7.4
      Map.entry("IpAddressMapEntry", schema().str("key", "ipAddress", "hostId")
          .strEnum("type", "static", "dynamic", "customerGatePeer", "gatePeer").integer("lastUpdatedAt")
          .required("key", "ipAddress", "type", "hostId").build()),
      // §7.6
      Map.entry("SessionStatus", schema().bool("online")
          .str("ueIpAddress", "imsi", "vpgId", "gatewayPrivateIpAddress", "gatewayPublicIpAddress", "imei", "sessionId",
              "subscription")
          .arrOf("dnsServers", Type.STRING, null).integer("lastUpdatedAt")
          .obj("location", null).obj("cell", null).obj("placement", "Placement").build()),
      Map.entry("PreviousSessionStatus", schema()
          .str("gatewayPrivateIpAddress", "gatewayPublicIpAddress", "imei", "imsi", "sessionId", "subscription",
              "ueIpAddress", "vpgId")
          .arrOf("dnsServers", Type.STRING, null).obj("cell", null).integer("createdTime", "deletedTime").build()),
      // §7.7
      Map.entry("ArcSessionStatus", schema().arrOf("arcAllowedIPs", Type.STRING, null)
          .str("arcClientPeerIpAddress", "arcClientPeerPublicKey", "arcServerEndpoint", "arcServerPeerPublicKey",
              "gatewayPrivateIpAddress", "gatewayPublicIpAddress", "vpgId")
          .integer("lastUpdatedAt").obj("placement", "Placement").build()),
      Map.entry("Capabilities", schema().bool("data", "sms").build()),
      Map.entry("ImeiLock", schema().str("imei").build()),
      // §7.8
      Map.entry("Sim", schema()
          .str("simId", "groupId", "activeProfileId", "operatorId", "speedClass", "serialNumber", "otaSerialNumber")
          .mapOf("tags", Type.STRING, "TagSet")
          .obj("sessionStatus", "SessionStatus")
          .mapOf("profiles", Type.OBJECT, "SimProfile")
          .strEnum("status", SIM_STATUS)
          .obj("previousSession", "PreviousSessionStatus")
          .obj("arcSessionStatus", "ArcSessionStatus")
          .strEnum("type", "euicc", "uicc", "virtual")
          .strEnum("moduleType", MODULE_TYPES)
          .obj("capabilities", "Capabilities")
          .obj("imeiLock", "ImeiLock")
          .mapOf("localInfo", Type.STRING, null)
          .bool("terminationEnabled")
          .strEnum("expiryAction", EXPIRY_ACTIONS)
          .integer("expiryTime", "createdTime", "lastModifiedTime", "lastLocationUpdateTime", "lastPortMappingCreatedTime",
              "renewalFeeStatusSetTime", "testmodeExhaustedTime", "pcapStartTime", "pcapEndTime")
          .build()),
      Map.entry("SimProfile", schema().str("iccid", "primaryImsi", "arcClientPeerPublicKey", "arcClientPeerPrivateKey")
          .bool("otaSupported").mapOf("subscribers", Type.OBJECT, "SimplifiedSubscriber").build()),
      Map.entry("SimplifiedSubscriber", schema().str("imsi", "msisdn", "subscription").arrOf("bundles", Type.STRING, null)
          .obj("capabilities", "Capabilities").strEnum("status", "shipped", "delivered", "ready", "active", "terminated").build()),
      // §7.12
      Map.entry("Subscriber", schema()
          .str("imsi", "simId", "groupId", "ipAddress", "subscription", "speedClass", "msisdn", "iccid", "serialNumber",
              "apn", "type", "operatorId")
          .mapOf("tags", Type.STRING, "TagSet")
          .obj("sessionStatus", "SessionStatus")
          .strEnum("status", SIM_STATUS)
          .strEnum("moduleType", MODULE_TYPES)
          .arrOf("bundles", Type.STRING, null)
          .integer("plan")
          .obj("imeiLock", "ImeiLock")
          .obj("locationRegistrationStatus", null)
          .arrOf("packetCaptureSessions", Type.OBJECT, null)
          .obj("previousSession", "PreviousSessionStatus")
          .bool("terminationEnabled")
          .strEnum("expiryAction", EXPIRY_ACTIONS)
          .integer("createdAt", "createdTime", "lastModifiedAt", "lastModifiedTime", "expiryTime", "expiredAt",
              "registeredTime", "renewalFeeStatusSetTime", "lastPortMappingCreatedTime")
          .build()));

  // ------------------------------------------------------------------ the checker

  /** Problems of {@code node} against {@code schemaName}; empty when it conforms. */
  static List<String> check(JsonNode node, String schemaName) {
    List<String> problems = new ArrayList<>();
    checkObject(node, schemaName, schemaName, problems);
    return problems;
  }

  private static void checkObject(JsonNode node, String schemaName, String path, List<String> problems) {
    if (!node.isObject()) {
      problems.add(path + ": expected an object " + schemaName + ", got " + node.getNodeType());
      return;
    }
    if (schemaName.equals("TagSet")) {
      // §7.10: map<string,string> that always contains `name`.
      if (!node.has("name")) {
        problems.add(path + ": TagSet without name");
      }
      node.properties().forEach(e -> {
        if (!e.getValue().isTextual()) {
          problems.add(path + "." + e.getKey() + ": tag value is not a string");
        }
      });
      return;
    }
    Schema schema = SCHEMAS.get(schemaName);
    for (String req : schema.required()) {
      if (!node.has(req)) {
        problems.add(path + ": required field " + req + " missing");
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      Field field = schema.fields().get(e.getKey());
      String where = path + "." + e.getKey();
      if (field == null) {
        problems.add(where + ": not a field of " + schemaName + " in the reference");
        continue;
      }
      checkValue(e.getValue(), field.type(), field, where, problems);
    }
  }

  private static void checkValue(JsonNode v, Type type, Field field, String where, List<String> problems) {
    switch (type) {
      case STRING -> {
        if (!v.isTextual()) {
          problems.add(where + ": expected a string, got " + v.getNodeType());
        } else if (field.allowed() != null && !field.allowed().contains(v.asText())) {
          problems.add(where + ": '" + v.asText() + "' is not one of " + field.allowed());
        }
      }
      case INTEGER -> {
        if (!v.isIntegralNumber()) {
          problems.add(where + ": expected an integer, got " + v.getNodeType());
        } else if (field.allowed() != null && !field.allowed().contains(v.asText())) {
          problems.add(where + ": " + v.asText() + " is not one of " + field.allowed());
        }
      }
      case NUMBER -> {
        if (!v.isNumber()) {
          problems.add(where + ": expected a number, got " + v.getNodeType());
        }
      }
      case BOOLEAN -> {
        if (!v.isBoolean()) {
          problems.add(where + ": expected a boolean, got " + v.getNodeType());
        }
      }
      case OBJECT -> {
        if (field.schema() != null) {
          checkObject(v, field.schema(), where, problems);
        } else if (!v.isObject()) {
          problems.add(where + ": expected an object, got " + v.getNodeType());
        }
      }
      case ARRAY -> {
        if (!v.isArray()) {
          problems.add(where + ": expected an array, got " + v.getNodeType());
          return;
        }
        for (int i = 0; i < v.size(); i++) {
          checkValue(v.get(i), field.itemType(), itemField(field), where + "[" + i + "]", problems);
        }
      }
      case MAP -> {
        if (!v.isObject()) {
          problems.add(where + ": expected an object (map), got " + v.getNodeType());
        } else if ("TagSet".equals(field.schema())) {
          checkObject(v, "TagSet", where, problems);
        } else {
          v.properties().forEach(e -> checkValue(e.getValue(), field.itemType(), itemField(field), where + "{" + e.getKey() + "}", problems));
        }
      }
    }
  }

  private static Field itemField(Field container) {
    return new Field(container.itemType(), null, container.schema(), null);
  }

  // ------------------------------------------------------------------ the mock under check

  private final ManualTime time = new ManualTime();
  private MockSoracomApi api;
  private RawHttp http;

  @BeforeEach
  void start() {
    api = new MockSoracomApi(time).addAuthKey("keyId-contract", "secret-contract").addGroup("group-a");
    api.addVpg("vpg-1", "10.128.0.0/9").gateOpen(10).putStaticEntry("440100000000001", "10.128.10.1")
        .addCustomerPeer("10.0.1.23", "10.255.255.254");
    api.addSim("8981100000000000001", "440100000000001").named("edge-01").tag("site", "osaka").inGroup("group-a")
        .online("vpg-1", "10.128.10.1");
    api.addSim("8981100000000000002", "440100000000002").named("edge-02").inGroup("group-a").offline();
    api.addSim("8981100000000000003", "440100000000003").inGroup("group-a");
    http = new RawHttp(api.baseUri()).login("keyId-contract", "secret-contract");
  }

  @AfterEach
  void stop() {
    http.close();
    api.close();
  }

  @Test
  void authAnswersAuthResponse() {
    RawHttp.Answer a = http.send("POST", "/auth", Map.of("Content-Type", "application/json"),
        "{\"authKeyId\":\"keyId-contract\",\"authKey\":\"secret-contract\",\"tokenTimeoutSeconds\":600}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(check(a.json(), "AuthResponse")).isEmpty();
    assertThat(a.json().get("apiKey").asText()).startsWith("api-");
    assertThat(a.json().get("operatorId").asText()).isEqualTo(MockSoracomApi.OPERATOR_ID);
  }

  @Test
  void generateAuthTokenAnswersGenerateTokenResponse() {
    RawHttp.Answer a = http.post("/operators/" + MockSoracomApi.OPERATOR_ID + "/token", "{\"tokenTimeoutSeconds\":3600}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(check(a.json(), "GenerateTokenResponse")).isEmpty();
  }

  @Test
  void vpgAndGatePeersMatchTheirSchemas() {
    RawHttp.Answer vpg = http.get("/virtual_private_gateways/vpg-1");
    assertThat(vpg.status()).isEqualTo(200);
    assertThat(check(vpg.json(), "VirtualPrivateGateway")).isEmpty();
    assertThat(vpg.json().get("sessionStats").get("online").asInt()).isEqualTo(1);

    RawHttp.Answer peers = http.get("/virtual_private_gateways/vpg-1/gate/peers");
    assertThat(peers.status()).isEqualTo(200);
    assertThat(peers.json().isArray()).isTrue();
    assertThat(peers.json()).hasSize(3);
    peers.json().forEach(p -> assertThat(check(p, "GatePeer")).isEmpty());
    // Two VPG-owned peers, one per zone, plus the customer's.
    assertThat(peers.json().findValues("ownedByCustomer").stream().filter(b -> !b.asBoolean()).count()).isEqualTo(2);
    assertThat(peers.header("x-soracom-next-key")).as("listGatePeers is not paginated").isNull();
  }

  @Test
  void registerAnswers200WithTheGatePeerAndUnregisterAnswers204WithoutBody() {
    RawHttp.Answer registered = http.post("/virtual_private_gateways/vpg-1/gate/peers",
        "{\"outerIpAddress\":\"10.0.1.24\",\"innerIpAddress\":\"10.255.255.253\"}");
    assertThat(registered.status()).as("200, not 201 (reference §11)").isEqualTo(200);
    assertThat(check(registered.json(), "GatePeer")).isEmpty();
    assertThat(registered.json().get("ownedByCustomer").asBoolean()).isTrue();

    RawHttp.Answer auto = http.post("/virtual_private_gateways/vpg-1/gate/peers", "{\"outerIpAddress\":\"10.0.1.25\"}");
    assertThat(auto.status()).isEqualTo(200);
    String assigned = auto.json().get("innerIpAddress").asText();
    assertThat(MockIpv4.prefix("10.128.0.0/9").hasHost(assigned)).as("assigned in the device subnet when omitted").isTrue();
    assertThat(assigned).isNotIn("10.255.255.253", "10.255.255.254", "10.128.0.2", "10.128.0.3", "10.128.10.1");

    RawHttp.Answer removed = http.delete("/virtual_private_gateways/vpg-1/gate/peers/10.0.1.24");
    assertThat(removed.status()).isEqualTo(204);
    assertThat(removed.body()).isEmpty();
  }

  @Test
  void openGateAnswers200WithoutBody() {
    api.addVpg("vpg-2", "10.128.0.0/9");
    RawHttp.Answer a = http.post("/virtual_private_gateways/vpg-2/gate/open", "{}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body()).isEmpty();
  }

  @Test
  void ipAddressMapEntriesMatchTheirSchemaAndHoldAllThreeKinds() {
    RawHttp.Answer a = http.get("/virtual_private_gateways/vpg-1/ip_address_map");
    assertThat(a.status()).isEqualTo(200);
    a.json().forEach(e -> assertThat(check(e, "IpAddressMapEntry")).isEmpty());
    assertThat(a.json().findValuesAsText("type")).contains("static", "customerGatePeer", "gatePeer");
  }

  @Test
  void simsAndSubscribersMatchTheirSchemas() {
    for (String id : List.of("8981100000000000001", "8981100000000000002", "8981100000000000003")) {
      RawHttp.Answer sim = http.get("/sims/" + id);
      assertThat(sim.status()).isEqualTo(200);
      assertThat(check(sim.json(), "Sim")).as(id).isEmpty();
    }
    RawHttp.Answer group = http.get("/groups/group-a/subscribers");
    assertThat(group.status()).isEqualTo(200);
    assertThat(group.json()).hasSize(3);
    group.json().forEach(s -> assertThat(check(s, "Sim")).isEmpty());

    RawHttp.Answer tagged = http.get("/subscribers?tag_name=name&tag_value=edge-&tag_value_match_mode=prefix");
    assertThat(tagged.status()).isEqualTo(200);
    assertThat(tagged.json()).hasSize(2);
    tagged.json().forEach(s -> assertThat(check(s, "Subscriber")).isEmpty());
  }

  @Test
  void sessionShapesFollowTheSuggestedMockBehaviour() {
    JsonNode online = http.get("/sims/8981100000000000001").json();
    JsonNode offline = http.get("/sims/8981100000000000002").json();
    JsonNode never = http.get("/sims/8981100000000000003").json();
    assertThat(online.get("sessionStatus").get("ueIpAddress").asText()).isEqualTo("10.128.10.1");
    assertThat(offline.get("sessionStatus").get("online").asBoolean()).isFalse();
    assertThat(offline.get("sessionStatus").has("ueIpAddress")).isFalse();
    assertThat(never.has("sessionStatus")).isFalse();
    assertThat(never.get("tags").get("name").asText()).as("TagSet always has name, '' when unnamed").isEmpty();
    assertThat(online.has("imsi")).as("Sim has no top-level imsi (reference §7.8)").isFalse();
  }

  @Test
  void everyErrorBodyIsAnApiCallErrorMessage() {
    List<RawHttp.Answer> errors = new ArrayList<>();
    errors.add(http.send("GET", "/virtual_private_gateways/vpg-1", Map.of(), null)); // 401 no headers
    errors.add(http.send("GET", "/virtual_private_gateways/vpg-1",
        Map.of("X-Soracom-API-Key", http.apiKey(), "X-Soracom-Token", "eyJforged"), null)); // 401 wrong token
    errors.add(http.send("POST", "/auth", Map.of("Content-Type", "application/json"),
        "{\"authKeyId\":\"keyId-contract\",\"authKey\":\"secret-wrong\"}")); // 401 bad credentials
    errors.add(http.get("/virtual_private_gateways/nope")); // 404
    errors.add(http.post("/virtual_private_gateways/vpg-1/gate/peers", "{\"innerIpAddress\":\"10.128.0.9\"}")); // 400
    errors.add(http.delete("/virtual_private_gateways/vpg-1/gate/peers/10.9.9.9")); // 404
    api.failNext(1, 500);
    errors.add(http.get("/sims/8981100000000000001")); // 500
    api.storm429(1, 30);
    errors.add(http.get("/sims/8981100000000000001")); // 429
    assertThat(errors).extracting(RawHttp.Answer::status).containsExactly(401, 401, 401, 404, 400, 404, 500, 429);
    errors.forEach(e -> assertThat(check(e.json(), "APICallErrorMessage")).as(e.toString()).isEmpty());
  }

  @Test
  void generateAuthTokenWithAnExpiredTokenAnswers400ApiCallError() {
    time.advance(Duration.ofSeconds(MockSoracomApi.DEFAULT_TOKEN_SECONDS));
    RawHttp.Answer a = http.post("/operators/" + MockSoracomApi.OPERATOR_ID + "/token", "{}");
    assertThat(a.status()).as("the spec declares 400 for an expired token here").isEqualTo(400);
    assertThat(check(a.json(), "APICallError")).isEmpty();
    assertThat(a.json().get("errorMessage").get("code").isTextual()).isTrue();
  }

  @Test
  void theCheckerCatchesDrift() {
    // The checker itself must fail on what it is there to catch, or the tests above prove nothing.
    JsonNode extra = json("{\"outerIpAddress\":\"1.2.3.4\",\"owner\":\"me\"}");
    JsonNode wrongType = json("{\"outerIpAddress\":\"1.2.3.4\",\"ownedByCustomer\":\"true\"}");
    JsonNode badEnum = json("{\"key\":\"k\",\"ipAddress\":\"1.2.3.4\",\"type\":\"sim\",\"hostId\":\"k\"}");
    JsonNode missing = json("{\"key\":\"k\",\"ipAddress\":\"1.2.3.4\",\"type\":\"static\"}");
    JsonNode nested = json("{\"simId\":\"1\",\"tags\":{\"site\":\"x\"},\"sessionStatus\":{\"online\":1}}");
    assertThat(check(extra, "GatePeer")).singleElement().asString().contains("owner");
    assertThat(check(wrongType, "GatePeer")).singleElement().asString().contains("boolean");
    assertThat(check(badEnum, "IpAddressMapEntry")).singleElement().asString().contains("'sim'");
    assertThat(check(missing, "IpAddressMapEntry")).singleElement().asString().contains("hostId");
    assertThat(check(nested, "Sim")).hasSize(2).anySatisfy(p -> assertThat(p).contains("TagSet without name"))
        .anySatisfy(p -> assertThat(p).contains("Sim.sessionStatus.online"));
  }

  private static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
