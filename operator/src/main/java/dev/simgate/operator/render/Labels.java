package dev.simgate.operator.render;

import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of the objects the operator owns. */
public final class Labels {
  public static final String NAME = "app.kubernetes.io/name";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "simgate-operator";
  public static final String AGENT = "simgate-agent";
  public static final String GATE_PEER = "simgate.dev/gatepeer";
  public static final String DEVICE_SUBNET = "simgate.dev/devicesubnet";
  /** Label selector of every object this operator manages (its informers watch only these). */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  private Labels() {}

  /** Object name used for every namespaced object of a GatePeer. */
  public static String agentObjectName(String gatePeer) {
    return "simgate-" + gatePeer;
  }

  /** Selector labels of a GatePeer's agent pods. */
  public static Map<String, String> agentSelector(String gatePeer) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, AGENT);
    labels.put(GATE_PEER, gatePeer);
    return labels;
  }

  public static Map<String, String> agent(String gatePeer) {
    Map<String, String> labels = agentSelector(gatePeer);
    labels.put(MANAGED_BY, OPERATOR);
    return labels;
  }

  public static Map<String, String> device(String deviceSubnet, String service) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(DEVICE_SUBNET, deviceSubnet);
    labels.put("kubernetes.io/service-name", service);
    return labels;
  }
}
