package dev.simgate.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.Kinds;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

class KindsTest {
  private static String event(String kind) {
    return event(kind, "{}");
  }

  private static String event(String kind, String spec) {
    return """
        {"type":"MODIFIED","object":{"apiVersion":"simgate.dev/v1alpha1","kind":"%s",
          "metadata":{"name":"line-1","namespace":"fleet"},"spec":%s}}
        """.formatted(kind, spec);
  }

  private static final String DEVICES = """
      {"vpgRef":"vpg","cidrs":["10.128.0.0/23"],"devices":[{"name":"meter-1","address":"10.128.0.1"}]}""";

  @Test
  void aWatchEventOfOurKindsIsReadAsThemselvesOnceRegistered() {
    KubernetesSerialization serialization = new KubernetesSerialization();
    Kinds.registerWith(serialization);

    Object subnet = serialization.unmarshal(event("DeviceSubnet", DEVICES), WatchEvent.class).getObject();
    assertThat(subnet).isInstanceOf(DeviceSubnet.class);
    assertThat(((DeviceSubnet) subnet).getSpec().devices).singleElement()
        .satisfies(d -> assertThat(d.address).isEqualTo("10.128.0.1"));
    assertThat(serialization.unmarshal(event("GatePeer"), WatchEvent.class).getObject()).isInstanceOf(GatePeer.class);
    assertThat(serialization.unmarshal(event("VirtualPrivateGateway"), WatchEvent.class).getObject())
        .isInstanceOf(VirtualPrivateGateway.class);
  }

  @Test
  void unregisteredTheyAreGenericAndWouldBeConvertedAgainByTheWatch() {
    // Why registerWith exists: the client's own default reads them as maps.
    assertThat(new KubernetesSerialization().unmarshal(event("DeviceSubnet", DEVICES), WatchEvent.class).getObject())
        .isInstanceOf(GenericKubernetesResource.class);
  }
}
