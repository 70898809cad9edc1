package dev.simgate.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.simgate.operator.Fixtures;
import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.ExposedService;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.OuterAddress;
import dev.simgate.operator.api.v1alpha1.SimTag;
import dev.simgate.operator.api.v1alpha1.SoracomSimsSpec;
import dev.simgate.operator.api.v1alpha1.SoracomVpgSpec;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.testkit.WithKubeControlPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** The CRDs from crds/ on a real kube-apiserver: what can be judged in one object is rejected, naming the field. */
@WithKubeControlPlane
class SchemaValidationIT {
  private static final int MAX_DEVICES = 500;
  private static int counter;

  @BeforeAll
  static void install(KubernetesClient client) throws Exception {
    Cluster.installCrds(client);
    client.resource(new NamespaceBuilder().withNewMetadata().withName("factory").endMetadata().build()).create();
  }

  private static String name() {
    return "t" + (++counter);
  }

  private static VirtualPrivateGateway vpg(Consumer<VirtualPrivateGateway> change) {
    var vpg = Fixtures.vpg(name());
    change.accept(vpg);
    return vpg;
  }

  private static void assertRejected(KubernetesClient client, HasMetadata object, String... fragments) {
    assertThatThrownBy(() -> client.resource(object).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContainingAll(fragments);
  }

  @Test
  void validResourcesAreAcceptedWithDefaults(KubernetesClient client) {
    var vpg = Fixtures.vpg(name());
    vpg.getSpec().vni = null;
    vpg.getSpec().port = null;
    var stored = client.resource(vpg).create();
    assertThat(stored.getSpec().vni).as("unset: 10 on the nodes, or the SORACOM VPG's with spec.soracom").isNull();
    assertThat(stored.getSpec().port).isEqualTo(4789);

    var peer = Fixtures.gatePeer(name(), stored.getMetadata().getName(), "10.255.255.0/24");
    peer.getSpec().interfaceName = null;
    peer.getSpec().outerAddress = null;
    peer.getSpec().agent = null;
    GatePeer storedPeer = client.resource(peer).create();
    assertThat(storedPeer.getSpec().interfaceName).isEqualTo("simgate0");

    DeviceSubnet subnet = client.resource(Fixtures.deviceSubnet("factory", name(), stored.getMetadata().getName())).create();
    assertThat(subnet.getSpec().devices).hasSize(2);
  }

  @Test
  void theProbeAskForAnAddressInsideTheDeviceSubnet(KubernetesClient client) {
    assertRejected(client, vpg(v -> v.getSpec().probe = probe("192.0.2.1", 100)),
        "probe.address must be inside deviceSubnet");
    assertRejected(client, vpg(v -> v.getSpec().probe = probe("10.128.0.1", 5)), "spec.probe.intervalMillis");
    assertRejected(client, vpg(v -> v.getSpec().probe = probe("10.128.0.300", 100)),
        "probe.address must be an IPv4 address");
    var accepted = client.resource(vpg(v -> v.getSpec().probe = probe("10.128.0.1", 200))).create();
    assertThat(accepted.getSpec().probe.address).isEqualTo("10.128.0.1");
  }

  private static dev.simgate.operator.api.v1alpha1.VpgProbe probe(String address, int intervalMillis) {
    var probe = new dev.simgate.operator.api.v1alpha1.VpgProbe();
    probe.address = address;
    probe.intervalMillis = intervalMillis;
    return probe;
  }

  @Test
  void vniOutOfRange(KubernetesClient client) {
    assertRejected(client, vpg(v -> v.getSpec().vni = 0), "spec.vni", "greater than or equal to 1");
    assertRejected(client, vpg(v -> v.getSpec().vni = 16777216), "spec.vni", "less than or equal to 16777215");
  }

  @Test
  void badCidrs(KubernetesClient client) {
    assertRejected(client, vpg(v -> v.getSpec().deviceSubnet = "10.128.0.0/33"), "spec.deviceSubnet", "IPv4 CIDR");
    assertRejected(client, vpg(v -> v.getSpec().deviceSubnet = "fd00::/64"), "spec.deviceSubnet", "IPv4 CIDR");
    assertRejected(client, Fixtures.gatePeer(name(), "vpg", "10.255.255.0"), "spec.innerAddressPool", "IPv4 CIDR");
    var subnet = Fixtures.deviceSubnet("factory", name(), "vpg");
    subnet.getSpec().cidrs = List.of("10.128.0.0/16", "banana");
    assertRejected(client, subnet, "spec.cidrs", "IPv4 CIDRs");
  }

  @Test
  void peers(KubernetesClient client) {
    assertRejected(client, vpg(v -> v.getSpec().peers = List.of()), "spec.peers", "at least 1");
    assertRejected(client, vpg(v -> v.getSpec().peers = List.of("100.64.0.1", "100.64.0.1")), "spec.peers", "unique");
    assertRejected(client, vpg(v -> v.getSpec().peers = List.of("100.64.0.300")), "spec.peers", "IPv4 addresses");
    List<String> nine = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      nine.add("100.64.0." + i);
    }
    assertRejected(client, vpg(v -> v.getSpec().peers = nine), "spec.peers", "8");
  }

  @Test
  void soracom(KubernetesClient client) {
    assertRejected(client, vpg(v -> v.getSpec().deviceSubnet = null), "spec.deviceSubnet", "required unless soracom is set");
    assertRejected(client, vpg(v -> v.getSpec().peers = null), "spec.peers", "at least 1 VPG peer unless soracom is set");

    // With spec.soracom the VPG may leave deviceSubnet, vni and peers to SORACOM; the defaults are filled in.
    var fromSoracom = vpg(v -> {
      v.getSpec().deviceSubnet = null;
      v.getSpec().peers = null;
      v.getSpec().soracom = new SoracomVpgSpec("f1e2d3c4-0000", SoracomVpgSpec.Coverage.Global, "soracom");
    });
    var stored = client.resource(fromSoracom).create();
    assertThat(stored.getSpec().soracom.openGate).isFalse();
    assertThat(stored.getSpec().soracom.refreshInterval).isEqualTo("5m");

    assertRejected(client, soracomVpg(s -> s.vpgId = "../auth"), "spec.soracom.vpgId", "should match");
    assertRejected(client, soracomVpg(s -> s.coverage = null), "spec.soracom.coverage", "Required");
    assertRejected(client, soracomVpg(s -> s.secretRef = null), "spec.soracom.secretRef", "Required");
    assertRejected(client, soracomVpg(s -> s.endpoint = "ftp://api.example/v1"), "spec.soracom.endpoint", "http(s) URL");
    assertRejected(client, soracomVpg(s -> s.refreshInterval = "1s"), "spec.soracom.refreshInterval", "from 5s to 24h");
    assertRejected(client, soracomVpg(s -> s.refreshInterval = "48h"), "spec.soracom.refreshInterval", "from 5s to 24h");
    assertRejected(client, soracomVpg(s -> s.refreshInterval = "soon"), "spec.soracom.refreshInterval", "from 5s to 24h");

    var both = Fixtures.deviceSubnet("factory", name(), "vpg");
    both.getSpec().soracom = SoracomSimsSpec.group("g-1");
    both.getSpec().soracom.tag = new SimTag("site", "osaka");
    assertRejected(client, both, "spec.soracom", "exactly one of soracom.groupId and soracom.tag");
    var neither = Fixtures.deviceSubnet("factory", name(), "vpg");
    neither.getSpec().soracom = new SoracomSimsSpec();
    assertRejected(client, neither, "spec.soracom", "exactly one of soracom.groupId and soracom.tag");
    var tagged = Fixtures.deviceSubnet("factory", name(), "vpg");
    tagged.getSpec().soracom = SoracomSimsSpec.tag("site", "osaka");
    DeviceSubnet storedSubnet = client.resource(tagged).create();
    assertThat(storedSubnet.getSpec().soracom.nameTag).isEqualTo("name");
    assertThat(storedSubnet.getSpec().soracom.whenOffline).isEqualTo(SoracomSimsSpec.WhenOffline.KeepResolving);
  }

  private static VirtualPrivateGateway soracomVpg(Consumer<SoracomVpgSpec> change) {
    return vpg(v -> {
      v.getSpec().soracom = new SoracomVpgSpec("f1e2d3c4-0000", SoracomVpgSpec.Coverage.Japan, "soracom");
      change.accept(v.getSpec().soracom);
    });
  }

  @Test
  void devices(KubernetesClient client) {
    var badAddress = Fixtures.deviceSubnet("factory", name(), "vpg");
    badAddress.getSpec().devices = List.of(new Device("a", "10.128.0.256"));
    assertRejected(client, badAddress, "spec.devices[0].address", "should match");
    var leadingZero = Fixtures.deviceSubnet("factory", name(), "vpg");
    leadingZero.getSpec().devices = List.of(new Device("a", "10.128.0.01"));
    assertRejected(client, leadingZero, "spec.devices[0].address", "should match");

    var badName = Fixtures.deviceSubnet("factory", name(), "vpg");
    badName.getSpec().devices = List.of(new Device("Pump_1", "10.128.0.1"));
    assertRejected(client, badName, "spec.devices[0].name");

    // The rules over the whole list are the operator's (DeviceChecks): no CEL runs over it at each write.
    var duplicates = Fixtures.deviceSubnet("factory", name(), "vpg");
    duplicates.getSpec().devices = List.of(new Device("a", "10.128.0.1"), new Device("a", "10.128.0.1"),
        new Device("b", "10.200.0.1"));
    assertThat(client.resource(duplicates).create().getSpec().devices).hasSize(3);
  }

  /** The largest DeviceSubnet the schema allows must pass the CEL rules within the API server's runtime cost limit. */
  @Test
  void largestDeviceSubnetIsAccepted(KubernetesClient client) {
    var subnet = Fixtures.deviceSubnet("factory", name(), "vpg");
    List<String> cidrs = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      cidrs.add("10.%d.0.0/16".formatted(128 + i));
    }
    List<Device> devices = new ArrayList<>();
    for (int i = 0; i < MAX_DEVICES; i++) {
      String name = ("device-" + i + "-" + "x".repeat(63)).substring(0, 63);
      devices.add(new Device(name, "10.%d.%d.%d".formatted(143, 100 + i / 250, 1 + i % 250)));
    }
    subnet.getSpec().cidrs = cidrs;
    subnet.getSpec().devices = devices;
    assertThat(client.resource(subnet).create().getSpec().devices).hasSize(MAX_DEVICES);
    var tooMany = Fixtures.deviceSubnet("factory", name(), "vpg");
    tooMany.getSpec().cidrs = cidrs;
    tooMany.getSpec().devices = new ArrayList<>(devices);
    tooMany.getSpec().devices.add(new Device("one-too-many", "10.143.255.1"));
    assertRejected(client, tooMany, "spec.devices", "at most " + MAX_DEVICES);
  }

  @Test
  void exposedServices(KubernetesClient client) {
    assertRejected(client, exposing(new ExposedService("web", new IntOrString(0), ExposedService.Protocol.TCP, 80)),
        "spec.exposedServices[0].port", "port must be a Service port number (1..65535) or a port name");
    assertRejected(client, exposing(new ExposedService("web", new IntOrString("a-name-far-too-long"),
        ExposedService.Protocol.TCP, 80)), "spec.exposedServices[0].port", "at most 15 characters");
    assertRejected(client, exposing(new ExposedService("Web_1", new IntOrString(80), ExposedService.Protocol.TCP, 80)),
        "spec.exposedServices[0].service");
    assertRejected(client, exposing(new ExposedService("web", new IntOrString(80), ExposedService.Protocol.TCP, 70000)),
        "spec.exposedServices[0].innerPort", "less than or equal to 65535");
    assertRejected(client, exposing(new ExposedService("web", new IntOrString(80), ExposedService.Protocol.TCP, 8080),
        new ExposedService("api", new IntOrString("http"), ExposedService.Protocol.TCP, 8080)),
        "spec.exposedServices", "innerPort must be unique per protocol");
    List<ExposedService> seventeen = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      seventeen.add(new ExposedService("web", new IntOrString(80), ExposedService.Protocol.TCP, 8000 + i));
    }
    assertRejected(client, exposing(seventeen.toArray(ExposedService[]::new)), "spec.exposedServices", "at most 16");

    // The same inner port over TCP and UDP, a port by name, and the protocol's default.
    ExposedService defaulted = new ExposedService("dns", new IntOrString("dns"), null, 53);
    DeviceSubnet stored = client.resource(exposing(defaulted,
        new ExposedService("dns", new IntOrString(53), ExposedService.Protocol.UDP, 53))).create();
    assertThat(stored.getSpec().exposedServices).extracting(e -> e.protocol)
        .containsExactly(ExposedService.Protocol.TCP, ExposedService.Protocol.UDP);
    assertThat(stored.getSpec().exposedServices.getFirst().portText()).isEqualTo("dns");
  }

  private static DeviceSubnet exposing(ExposedService... services) {
    var subnet = Fixtures.deviceSubnet("factory", name(), "vpg");
    subnet.getSpec().exposedServices = List.of(services);
    return subnet;
  }

  @Test
  void gatePeerFields(KubernetesClient client) {
    var annotationWithoutKey = Fixtures.gatePeer(name(), "vpg", "10.255.255.0/24");
    annotationWithoutKey.getSpec().outerAddress = new OuterAddress(OuterAddress.Source.Annotation, null);
    assertRejected(client, annotationWithoutKey, "spec.outerAddress", "annotation is required");

    var longInterface = Fixtures.gatePeer(name(), "vpg", "10.255.255.0/24");
    longInterface.getSpec().interfaceName = "a-very-long-interface-name";
    assertRejected(client, longInterface, "spec.interfaceName");

    var noSelector = Fixtures.gatePeer(name(), "vpg", "10.255.255.0/24");
    noSelector.getSpec().nodeSelector = null;
    assertRejected(client, noSelector, "spec.nodeSelector", "Required");

    // Its objects are named simgate-<name>: never the operator's node policies, range ledgers or steering addresses.
    for (String reserved : List.of("node-pool", "ranges-a", "steering")) {
      assertRejected(client, Fixtures.gatePeer(reserved, "vpg", "10.255.255.0/24"), "metadata.name",
          "may not be named node-*, ranges-* or steering");
    }
  }
}
