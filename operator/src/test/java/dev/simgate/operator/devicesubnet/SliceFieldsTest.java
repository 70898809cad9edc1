package dev.simgate.operator.devicesubnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.simgate.operator.render.DeviceSubnetDns;
import dev.simgate.operator.render.SlicePacker.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

class SliceFieldsTest {
  private static final List<Endpoint> DEVICES = List.of(new Endpoint("meter-1", "10.128.0.1", true),
      new Endpoint("meter-2", "10.128.0.2", false));

  @Test
  void theCacheKeepsHostnamesInOrderAndADigestNotTheEndpoints() {
    EndpointSlice slice = DeviceSubnetDns.slice("factory", "sims", 0, DEVICES);
    EndpointSlice kept = cached(slice);

    assertThat(kept.getEndpoints()).isNullOrEmpty();
    assertThat(SliceFields.hostnames(kept)).containsExactly("meter-1", "meter-2");
    assertThat(SliceFields.hostnames(slice)).containsExactly("meter-1", "meter-2");
    assertThat(SliceFields.hostnames(cached(DeviceSubnetDns.slice("factory", "sims", 0, List.of())))).isEmpty();
    assertThat(kept.getMetadata().getLabels()).isEqualTo(slice.getMetadata().getLabels());
    assertThat(SliceFields.digest(kept)).as("the copy matches the slice it was made of").isEqualTo(SliceFields.digest(slice));
  }

  @Test
  void anyWrittenFieldThatDiffersChangesTheDigest() {
    String digest = SliceFields.digest(cached(DeviceSubnetDns.slice("factory", "sims", 0, DEVICES)));
    List<EndpointSlice> different = List.of(
        DeviceSubnetDns.slice("factory", "sims", 0, List.of(DEVICES.get(0))),
        DeviceSubnetDns.slice("factory", "sims", 0, List.of(DEVICES.get(1), DEVICES.get(0))),
        DeviceSubnetDns.slice("factory", "sims", 0, List.of(DEVICES.get(0), new Endpoint("meter-2", "10.128.0.3", false))),
        DeviceSubnetDns.slice("factory", "sims", 0, List.of(DEVICES.get(0), new Endpoint("meter-3", "10.128.0.2", false))),
        DeviceSubnetDns.slice("factory", "sims", 0, List.of(DEVICES.get(0), new Endpoint("meter-2", "10.128.0.2", true))),
        DeviceSubnetDns.slice("factory", "other", 0, DEVICES),
        new EndpointSliceBuilder(DeviceSubnetDns.slice("factory", "sims", 0, DEVICES)).withAddressType("IPv6").build());
    for (EndpointSlice slice : different) {
      assertThat(SliceFields.digest(slice)).as(slice.toString()).isNotEqualTo(digest);
      assertThat(SliceFields.digest(cached(slice))).isEqualTo(SliceFields.digest(slice));
    }
  }

  private static EndpointSlice cached(EndpointSlice slice) {
    SliceFields store = new SliceFields();
    store.put("key", slice);
    return store.get("key");
  }
}
