package dev.simgate.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy.Target;
import dev.simgate.operator.routes.RangeClaims.Exposure;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

class ServiceTargetsTest {
  /** http 80 → targetPort "web" (a name each pod resolves), dns 53/UDP, metrics 9090 → 9090. */
  static final Service SERVICE = new ServiceBuilder().withNewMetadata().withNamespace("factory").withName("api")
      .endMetadata().withNewSpec()
      .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("web")).withProtocol("TCP").endPort()
      .addNewPort().withName("dns").withPort(53).withProtocol("UDP").endPort()
      .addNewPort().withName("metrics").withPort(9090).endPort()
      .endSpec().build();

  static EndpointSlice slice(String port, int number, String protocol, Boolean ready, String... addresses) {
    var builder = new EndpointSliceBuilder().withNewMetadata().withNamespace("factory").withName("api-" + number)
        .addToLabels("kubernetes.io/service-name", "api").endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName(port).withPort(number).withProtocol(protocol).endPort();
    for (String address : addresses) {
      builder.addNewEndpoint().withAddresses(address).withNewConditions().withReady(ready).endConditions().endEndpoint();
    }
    return builder.build();
  }

  static Target target(String address, int port) {
    return new Target(Ipv4.parse(address), port);
  }

  @Test
  void aNamedTargetPortResolvesPerSliceAndANumberMeansTheServicesPort() {
    // Pods of two versions name "web" differently: the controller writes one slice per resolution.
    List<EndpointSlice> slices = List.of(slice("http", 8080, "TCP", true, "10.88.1.5", "10.88.1.4"),
        slice("http", 8081, "TCP", null, "10.88.2.9"), slice("metrics", 9090, "TCP", true, "10.88.1.5"));
    var byName = ServiceTargets.resolve(new Exposure("api", "http", "TCP", 8080), SERVICE, slices);
    assertThat(byName.problem()).isNull();
    assertThat(byName.targets()).containsExactly(target("10.88.1.4", 8080), target("10.88.1.5", 8080),
        target("10.88.2.9", 8081));
    assertThat(ServiceTargets.resolve(new Exposure("api", "80", "TCP", 8080), SERVICE, slices)).isEqualTo(byName);
    assertThat(ServiceTargets.resolve(new Exposure("api", "9090", "TCP", 9090), SERVICE, slices).targets())
        .containsExactly(target("10.88.1.5", 9090));
  }

  @Test
  void onlyReadyEndpointsOfTheRightProtocolCount() {
    List<EndpointSlice> slices = List.of(slice("dns", 5353, "UDP", true, "10.88.1.7"),
        slice("dns", 5354, "UDP", false, "10.88.1.8"));
    assertThat(ServiceTargets.resolve(new Exposure("api", "dns", "UDP", 53), SERVICE, slices).targets())
        .containsExactly(target("10.88.1.7", 5353));
    assertThat(ServiceTargets.resolve(new Exposure("api", "dns", "TCP", 53), SERVICE, slices).problem())
        .isEqualTo("Service api has no TCP port dns");
    assertThat(ServiceTargets.resolve(new Exposure("api", "http", "TCP", 80), SERVICE, slices).problem())
        .isEqualTo("Service api has no ready endpoint for port http");
  }

  @Test
  void aSinglePortMayBeUnnamedAndAMissingServiceIsSaid() {
    Service single = new ServiceBuilder().withNewMetadata().withName("echo").endMetadata().withNewSpec()
        .addNewPort().withPort(7).endPort().endSpec().build();
    EndpointSlice slice = new EndpointSliceBuilder().withNewMetadata().withName("echo-x").endMetadata()
        .withAddressType("IPv4").addNewPort().withPort(7007).endPort()
        .addNewEndpoint().withAddresses("10.88.4.4").endEndpoint().build();
    assertThat(ServiceTargets.resolve(new Exposure("echo", "7", "TCP", 7), single, List.of(slice)).targets())
        .containsExactly(target("10.88.4.4", 7007));
    assertThat(ServiceTargets.resolve(new Exposure("echo", "7", "TCP", 7), null, List.of()).problem())
        .isEqualTo("Service echo does not exist");
  }

  @Test
  void theCachesKeepWhatResolvingReads() {
    var services = new ServiceTargets.TrimmedServices();
    services.put("factory/api", new ServiceBuilder(SERVICE).editSpec().withSelector(java.util.Map.of("a", "b"))
        .withClusterIP("10.96.0.7").endSpec().build());
    var slices = new ServiceTargets.TrimmedSlices();
    slices.put("factory/api-8080", slice("http", 8080, "TCP", true, "10.88.1.5"));
    Exposure http = new Exposure("api", "http", "TCP", 8080);
    assertThat(ServiceTargets.resolve(http, services.get("factory/api"), List.of(slices.get("factory/api-8080"))))
        .isEqualTo(ServiceTargets.resolve(http, SERVICE, List.of(slice("http", 8080, "TCP", true, "10.88.1.5"))));
    assertThat(services.get("factory/api").getSpec().getClusterIP()).isNull();
  }
}
