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
  /** How an object publishes device names: {@link #DNS_BY_DEVICE_SUBNET} or {@link #DNS_BY_DEVICE}. */
  public static final String DNS = "simgate.dev/dns";
  /** The DeviceSubnet's headless Service and its EndpointSlices: {@code <device>.<devicesubnet>.<namespace>.svc}. */
  public static final String DNS_BY_DEVICE_SUBNET = "devicesubnet";
  /**
   * A Service and EndpointSlice of one device: {@code <device>.<namespace>.svc}. Objects written before SimGate 0.2
   * lack the label; they are per-device objects too.
   */
  public static final String DNS_BY_DEVICE = "device";
  public static final String SERVICE_NAME = "kubernetes.io/service-name";
  /** Label selector of every object this operator manages (its informers watch only these). */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;
  /**
   * A GatePeer's agent objects only: not the other objects the operator manages in its namespace (a thousand nodes'
   * policy documents of a hundred kilobytes each would otherwise sit in the agent ConfigMaps' informer).
   */
  public static final String AGENT_SELECTOR = MANAGED_SELECTOR + "," + NAME + "=" + AGENT;
  /** The DeviceSubnets' own Services and EndpointSlices. */
  public static final String DEVICE_SUBNET_DNS_SELECTOR = MANAGED_SELECTOR + "," + DNS + "=" + DNS_BY_DEVICE_SUBNET;
  /** Per-device Services and EndpointSlices, including those of SimGate 0.1 (no {@link #DNS} label). */
  public static final String DEVICE_DNS_SELECTOR = MANAGED_SELECTOR + "," + DEVICE_SUBNET + "," + DNS + "!="
      + DNS_BY_DEVICE_SUBNET;

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

  /** Labels of a per-device Service ({@code slice}: of its EndpointSlice, which names the Service). */
  public static Map<String, String> device(String deviceSubnet, String service, boolean slice) {
    return dns(deviceSubnet, DNS_BY_DEVICE, slice ? service : null);
  }

  /** Labels of a DeviceSubnet's Service ({@code slice}: of one of its EndpointSlices). */
  public static Map<String, String> deviceSubnet(String deviceSubnet, boolean slice) {
    return dns(deviceSubnet, DNS_BY_DEVICE_SUBNET, slice ? deviceSubnet : null);
  }

  private static Map<String, String> dns(String deviceSubnet, String kind, String serviceName) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(DEVICE_SUBNET, deviceSubnet);
    labels.put(DNS, kind);
    if (serviceName != null) {
      labels.put(SERVICE_NAME, serviceName);
    }
    return labels;
  }

  /** Whether an object (of a DeviceSubnet) is the DeviceSubnet's own Service or one of its EndpointSlices. */
  public static boolean isDeviceSubnetDns(io.fabric8.kubernetes.api.model.HasMetadata object) {
    var labels = object.getMetadata().getLabels();
    return labels != null && DNS_BY_DEVICE_SUBNET.equals(labels.get(DNS));
  }
}
