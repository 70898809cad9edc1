package dev.simgate.operator.soracom;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One IoT SIM of the mock with one IMSI: tags (always a {@code name}, "" when unnamed), group, and session
 * (never connected, online in a VPG with an address, or offline). Served as {@code Sim} and as {@code Subscriber}.
 */
public final class MockSim {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  enum Session { NEVER, ONLINE, OFFLINE }

  private final Object lock;
  final String simId;
  final String imsi;
  final String iccid;
  private final Map<String, String> tags = new LinkedHashMap<>();
  private String groupId;
  private Session session = Session.NEVER;
  private String sessionVpgId;
  private String sessionIp;

  MockSim(Object lock, String simId, String imsi) {
    this.lock = lock;
    this.simId = simId;
    this.imsi = imsi;
    this.iccid = simId;
    tags.put("name", "");
  }

  public MockSim named(String name) {
    return tag("name", name);
  }

  public MockSim tag(String name, String value) {
    synchronized (lock) {
      tags.put(name, value);
    }
    return this;
  }

  public MockSim inGroup(String group) {
    synchronized (lock) {
      groupId = group;
    }
    return this;
  }

  public MockSim online(String vpgId, String ip) {
    synchronized (lock) {
      session = Session.ONLINE;
      sessionVpgId = vpgId;
      sessionIp = ip;
    }
    return this;
  }

  public MockSim offline() {
    synchronized (lock) {
      session = Session.OFFLINE;
    }
    return this;
  }

  // ---- used by the API handlers, under the lock ----

  String groupId() {
    return groupId;
  }

  String tag(String name) {
    return tags.get(name);
  }

  boolean onlineIn(String vpgId) {
    return session == Session.ONLINE && vpgId.equals(sessionVpgId);
  }

  ObjectNode simJson(long now) {
    ObjectNode s = NODES.objectNode();
    s.put("simId", simId);
    s.put("operatorId", MockSoracomApi.OPERATOR_ID);
    s.put("status", "active");
    s.put("type", "uicc");
    s.put("moduleType", "nano");
    s.put("speedClass", "s1.standard");
    s.put("serialNumber", "SN" + simId.substring(Math.max(0, simId.length() - 8)));
    if (groupId != null) {
      s.put("groupId", groupId);
    }
    s.set("tags", tagsJson());
    s.put("activeProfileId", iccid);
    ObjectNode subscriber = NODES.objectNode().put("imsi", imsi).put("msisdn", "81" + imsi.substring(imsi.length() - 9))
        .put("subscription", "plan-D").put("status", "active");
    subscriber.set("capabilities", NODES.objectNode().put("data", true).put("sms", false));
    ObjectNode profile = NODES.objectNode().put("iccid", iccid).put("primaryImsi", imsi).put("otaSupported", false);
    profile.set("subscribers", NODES.objectNode().set(imsi, subscriber));
    s.set("profiles", NODES.objectNode().set(iccid, profile));
    s.set("capabilities", NODES.objectNode().put("data", true).put("sms", false));
    session(now).ifPresent(session -> s.set("sessionStatus", session));
    s.put("terminationEnabled", false);
    s.put("createdTime", now - 86_400_000L);
    s.put("lastModifiedTime", now);
    return s;
  }

  ObjectNode subscriberJson(long now) {
    ObjectNode s = NODES.objectNode();
    s.put("imsi", imsi);
    s.put("simId", simId);
    s.put("operatorId", MockSoracomApi.OPERATOR_ID);
    if (groupId != null) {
      s.put("groupId", groupId);
    }
    s.set("tags", tagsJson());
    session(now).ifPresent(session -> s.set("sessionStatus", session));
    s.put("status", "active");
    s.put("subscription", "plan-D");
    s.put("speedClass", "s1.standard");
    s.put("msisdn", "81" + imsi.substring(imsi.length() - 9));
    s.put("iccid", iccid);
    s.put("apn", "soracom.io");
    s.put("moduleType", "nano");
    s.set("bundles", NODES.arrayNode());
    s.put("plan", 0);
    s.put("terminationEnabled", false);
    s.put("createdTime", now - 86_400_000L);
    s.put("lastModifiedTime", now);
    return s;
  }

  private ObjectNode tagsJson() {
    ObjectNode t = NODES.objectNode();
    tags.forEach(t::put);
    return t;
  }

  /** Never connected: no sessionStatus. Offline: {@code online: false} without an address (reference §10). */
  private Optional<ObjectNode> session(long now) {
    return switch (session) {
      case NEVER -> Optional.empty();
      case OFFLINE -> Optional.of(NODES.objectNode().put("online", false).put("imsi", imsi).put("lastUpdatedAt", now));
      case ONLINE -> {
        ObjectNode o = NODES.objectNode().put("online", true).put("imsi", imsi).put("ueIpAddress", sessionIp)
            .put("vpgId", sessionVpgId).put("gatewayPrivateIpAddress", "100.64.152.10")
            .put("subscription", "plan-D").put("sessionId", "session-" + imsi).put("imei", "35000000" + imsi.substring(imsi.length() - 7))
            .put("lastUpdatedAt", now);
        o.set("dnsServers", NODES.arrayNode().add("100.127.0.53").add("100.127.1.53"));
        yield Optional.of(o);
      }
    };
  }
}
