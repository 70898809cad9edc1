package dev.simgate.operator;

import java.util.List;
import java.util.Map;

import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetSpec;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.GatePeerSpec;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGatewaySpec;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;

/** Resources used across tests. */
public final class Fixtures {
  public static final String GATE_LABEL = "simgate.dev/gate";
  public static final String IOT_LABEL = "simgate.dev/iot";

  private Fixtures() {}

  public static VirtualPrivateGateway vpg(String name) {
    var spec = new VirtualPrivateGatewaySpec("10.128.0.0/9", List.of("100.64.152.4", "100.64.152.132"));
    spec.namespaceSelector = new LabelSelectorBuilder().addToMatchLabels(IOT_LABEL, "true").build();
    return new VirtualPrivateGateway(name, spec);
  }

  public static GatePeer gatePeer(String name, String vpg, String pool) {
    return new GatePeer(name, new GatePeerSpec(vpg, Map.of(GATE_LABEL, "true"), pool));
  }

  public static DeviceSubnet deviceSubnet(String namespace, String name, String vpg) {
    return new DeviceSubnet(namespace, name, new DeviceSubnetSpec(vpg, List.of("10.128.0.0/16"),
        List.of(new Device("pump-1", "10.128.3.17"), new Device("meter-7", "10.128.9.201"))));
  }

  /** A node with an InternalIP (and a Hostname, so kwok leaves the addresses alone). */
  public static Node node(String name, String internalIp, boolean gate) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels(gate ? Map.of(GATE_LABEL, "true") : Map.of())
        .addToLabels("kubernetes.io/hostname", name)
        .addToAnnotations("kwok.x-k8s.io/node", "fake")
        .endMetadata()
        .withNewStatus()
        .addNewAddress().withType("InternalIP").withAddress(internalIp).endAddress()
        .addNewAddress().withType("Hostname").withAddress(name).endAddress()
        .endStatus()
        .build();
  }
}
