package dev.simgate.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.simgate.operator.Fixtures;
import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetSpec;
import dev.simgate.operator.api.v1alpha1.RejectedSim;
import dev.simgate.operator.api.v1alpha1.SimDevice;
import dev.simgate.operator.api.v1alpha1.SoracomSimsSpec;
import dev.simgate.operator.api.v1alpha1.SoracomSimsStatus;
import dev.simgate.operator.soracom.MockSim;
import dev.simgate.operator.soracom.MockSoracomApi.RecordedRequest;
import dev.simgate.operator.soracom.MockVpg;
import dev.simgate.operator.status.Conditions;
import dev.simgate.testkit.KubeControlPlane;
import dev.simgate.testkit.WithKubeControlPlane;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * DeviceSubnet.spec.soracom on a real kube-apiserver: the SIMs of a SORACOM group or tag (mock API) become named
 * devices (headless Service + EndpointSlice), refreshed every 5 s, with the operator under the chart's RBAC. Each test has
 * its own namespace, VPG and SIMs.
 */
@WithKubeControlPlane
class SoracomSimsIT {
  static final String NS = "simgate-system";
  static final AtomicInteger COUNT = new AtomicInteger();

  static KubernetesClient admin;
  static SoracomOperator soracom;

  @BeforeAll
  static void install(KubeControlPlane plane) throws IOException {
    admin = plane.client();
    Cluster.installCrds(admin);
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    soracom = new SoracomOperator(admin, plane.clientAs(Cluster.installOperatorRbac(admin, NS, "simgate-operator")), NS);
  }

  private double errorsBefore;

  @BeforeEach
  void countErrors() {
    errorsBefore = soracom.reconciliations("[a-z]+", "error");
  }

  @AfterEach
  void noFailedReconciliation() {
    assertThat(soracom.reconciliations("[a-z]+", "error") - errorsBefore).as("failed reconciliations").isZero();
  }

  @AfterAll
  static void stop() {
    if (soracom != null) {
      soracom.close();
    }
  }

  /** One test's namespace, VPG (its SORACOM VPG in the mock, Gate open) and SIM ids. */
  record Scene(String id, String namespace, String vpg, MockVpg mock) {
    String simId(int n) {
      return id + "sim" + n;
    }

    /** A 15-digit IMSI of its own. */
    String imsi(int n) {
      return "4401%03d%07d".formatted(Integer.parseInt(id.substring(1)), n);
    }

    MockSim sim(int n) {
      return soracom.api.addSim(simId(n), imsi(n));
    }

    String group() {
      return "group-" + id;
    }
  }

  static Scene scene() {
    String id = "s" + COUNT.incrementAndGet();
    String namespace = "factory-" + id;
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).addToLabels(Fixtures.IOT_LABEL, "true")
        .endMetadata().build()).create();
    String vpg = "vpg-" + id;
    MockVpg mock = soracom.api.addVpg(vpg, "10.128.0.0/9").gateOpen(10);
    admin.resource(soracom.vpg(vpg, vpg, spec -> {
      spec.deviceSubnet = "10.128.0.0/9";
      spec.peers = List.of("100.64.152.4", "100.64.152.132");
    })).create();
    soracom.api.addGroup("group-" + id);
    return new Scene(id, namespace, vpg, mock);
  }

  static DeviceSubnet createSubnet(Scene s, SoracomSimsSpec sims, Consumer<DeviceSubnetSpec> change) {
    sims.refreshInterval = "5s";
    DeviceSubnetSpec spec = new DeviceSubnetSpec(s.vpg(), List.of("10.128.0.0/16"), new ArrayList<>());
    spec.soracom = sims;
    change.accept(spec);
    return admin.resource(new DeviceSubnet(s.namespace(), "sims", spec)).create();
  }

  static DeviceSubnet subnet(Scene s) {
    return admin.resources(DeviceSubnet.class).inNamespace(s.namespace()).withName("sims").get();
  }

  static SoracomSimsStatus sims(Scene s) {
    DeviceSubnet subnet = subnet(s);
    assertThat(subnet.getStatus()).isNotNull();
    assertThat(subnet.getStatus().soracom).isNotNull();
    return subnet.getStatus().soracom;
  }

  /** Service name → the address its EndpointSlice holds, and whether that endpoint is ready (resolves). */
  static Map<String, String> published(Scene s) {
    return admin.discovery().v1().endpointSlices().inNamespace(s.namespace()).list().getItems().stream()
        .collect(Collectors.toMap(e -> e.getMetadata().getName(), SoracomSimsIT::describe));
  }

  static String describe(EndpointSlice slice) {
    var endpoint = slice.getEndpoints().getFirst();
    return endpoint.getAddresses().getFirst() + (Boolean.FALSE.equals(endpoint.getConditions().getReady()) ? " (not ready)" : "");
  }

  static Condition condition(DeviceSubnet subnet, String type) {
    return Conditions.find(subnet.getStatus().conditions, type);
  }

  @Test
  void theSimsOfAGroupArePublishedByNameAcrossSeveralPages() {
    Scene s = scene();
    for (int n = 1; n <= 8; n++) {
      s.sim(n).named("Pump " + n).inGroup(s.group()).online(s.vpg(), "10.128.1." + n);
    }
    s.sim(9).named("Meter 9").inGroup(s.group()).offline();
    s.mock().putStaticEntry(s.imsi(2), "10.128.7.2").putStaticEntry(s.imsi(9), "10.128.7.9");
    soracom.api.maxPageSize(3);
    try {
      createSubnet(s, SoracomSimsSpec.group(s.group()), spec -> spec.devices.add(new Device("gateway", "10.128.0.1")));
      Cluster.await().untilAsserted(() -> {
        Map<String, String> published = published(s);
        assertThat(published).hasSize(10).containsEntry("gateway", "10.128.0.1").containsEntry("pump-1", "10.128.1.1")
            .containsEntry("pump-2", "10.128.7.2").containsEntry("pump-8", "10.128.1.8").containsEntry("meter-9", "10.128.7.9");
        DeviceSubnet subnet = subnet(s);
        assertThat(subnet.getStatus().devices).isEqualTo(10);
        assertThat(condition(subnet, Conditions.READY).getStatus()).isEqualTo("True");
        assertThat(condition(subnet, "SoracomSynced").getStatus()).isEqualTo("True");
      });
      SoracomSimsStatus status = sims(s);
      assertThat(status.sims).isEqualTo(9);
      assertThat(status.devices).filteredOn(d -> d.name().equals("pump-2")).singleElement()
          .satisfies(d -> assertThat(d.addressSource()).isEqualTo(SimDevice.STATIC_ENTRY));
      assertThat(status.devices).filteredOn(d -> d.name().equals("meter-9")).singleElement()
          .satisfies(d -> assertThat(d.online()).isFalse());
      // Every page was followed, with the cursor the API gave.
      List<RecordedRequest> pages = soracom.api.requests().stream()
          .filter(r -> r.operation().equals("listSubscribersInGroup") && r.path().contains(s.group())).toList();
      assertThat(pages.stream().filter(r -> r.query().containsKey("last_evaluated_key")).count()).isGreaterThanOrEqualTo(2);
      assertThat(soracom.api.requests()).filteredOn(r -> r.operation().equals("listVirtualPrivateGatewayIpAddressMapEntries")
          && r.path().contains(s.vpg()) && r.query().containsKey("last_evaluated_key")).isNotEmpty();
    } finally {
      soracom.api.maxPageSize(100);
    }
  }

  @Test
  void tagChangesInSoracomReachTheNamesAtTheNextRefresh() {
    Scene s = scene();
    String site = "site-" + s.id();
    s.sim(1).named("edge-1").tag("site", site).online(s.vpg(), "10.128.2.1");
    MockSim two = s.sim(2).named("edge-2").tag("site", site).online(s.vpg(), "10.128.2.2");
    MockSim three = s.sim(3).named("edge-3").tag("site", site).online(s.vpg(), "10.128.2.3");
    s.sim(4).named("elsewhere").tag("site", "other").online(s.vpg(), "10.128.2.4");
    createSubnet(s, SoracomSimsSpec.tag("site", site), spec -> { });
    Cluster.await().untilAsserted(() -> assertThat(published(s)).containsOnlyKeys("edge-1", "edge-2", "edge-3"));

    two.named("Edge Router 2");           // renamed in the console
    three.tag("site", "moved");           // leaves the tag
    s.sim(5).named("edge-5").tag("site", site).online(s.vpg(), "10.128.2.5"); // joins
    Cluster.await().untilAsserted(() -> assertThat(published(s)).isEqualTo(Map.of(
        "edge-1", "10.128.2.1", "edge-router-2", "10.128.2.2", "edge-5", "10.128.2.5")));
    assertThat(admin.services().inNamespace(s.namespace()).list().getItems())
        .extracting(svc -> svc.getMetadata().getName()).containsExactlyInAnyOrder("edge-1", "edge-router-2", "edge-5");
  }

  @Test
  void anOfflineSimIsMarkedAndStopsResolvingWhenTheUserChoseSo() {
    Scene s = scene();
    MockSim sensor = s.sim(1).named("sensor").inGroup(s.group()).online(s.vpg(), "10.128.3.1");
    MockSim pinned = s.sim(2).named("pinned").inGroup(s.group()).online(s.vpg(), "10.128.3.2");
    s.mock().putStaticEntry(s.imsi(2), "10.128.3.2");
    SoracomSimsSpec spec = SoracomSimsSpec.group(s.group());
    spec.whenOffline = SoracomSimsSpec.WhenOffline.StopResolving;
    createSubnet(s, spec, x -> { });
    Cluster.await().untilAsserted(() -> assertThat(published(s)).isEqualTo(Map.of(
        "sensor", "10.128.3.1", "pinned", "10.128.3.2")));

    sensor.offline();
    pinned.offline();
    Cluster.await().untilAsserted(() -> {
      assertThat(published(s)).isEqualTo(Map.of("sensor", "10.128.3.1 (not ready)", "pinned", "10.128.3.2 (not ready)"));
      assertThat(sims(s).devices).allSatisfy(d -> {
        assertThat(d.online()).isFalse();
        assertThat(d.resolvable()).isFalse();
      });
    });
    sensor.online(s.vpg(), "10.128.3.11"); // back, with a new session address
    Cluster.await().untilAsserted(() -> assertThat(published(s)).containsEntry("sensor", "10.128.3.11"));
  }

  @Test
  void collidingAndInvalidNamesAreReportedNotGuessed() {
    Scene s = scene();
    s.sim(1).named("Pump 1").inGroup(s.group()).online(s.vpg(), "10.128.4.1");
    s.sim(2).named("pump-1").inGroup(s.group()).online(s.vpg(), "10.128.4.2");
    s.sim(3).named("bad/name").inGroup(s.group()).online(s.vpg(), "10.128.4.3");
    s.sim(4).inGroup(s.group()).online(s.vpg(), "10.128.4.4");                // no name
    s.sim(5).named("gateway").inGroup(s.group()).online(s.vpg(), "10.128.4.5"); // taken by spec.devices
    s.sim(6).named("valve").inGroup(s.group()).online(s.vpg(), "10.128.4.6");
    DeviceSubnet created = createSubnet(s, SoracomSimsSpec.group(s.group()),
        spec -> spec.devices.add(new Device("gateway", "10.128.0.1")));
    Cluster.await().untilAsserted(() -> {
      assertThat(published(s)).isEqualTo(Map.of("gateway", "10.128.0.1", "valve", "10.128.4.6"));
      SoracomSimsStatus status = sims(s);
      assertThat(status.rejectedCount).isEqualTo(5);
      assertThat(status.rejected).extracting(RejectedSim::simId)
          .containsExactly(s.simId(1), s.simId(2), s.simId(3), s.simId(4), s.simId(5));
      assertThat(status.rejected.get(0).reason()).contains("name pump-1 is claimed by SIMs");
      assertThat(status.rejected.get(2).reason()).contains("'/'");
      assertThat(status.rejected.get(3).reason()).contains("no 'name' tag");
      assertThat(status.rejected.get(4).reason()).contains("already used by spec.devices");
      DeviceSubnet subnet = subnet(s);
      assertThat(condition(subnet, Conditions.READY).getMessage()).contains("5 not published");
      assertThat(admin.v1().events().inNamespace(s.namespace()).list().getItems())
          .anySatisfy(e -> {
            assertThat(e.getInvolvedObject().getUid()).isEqualTo(created.getMetadata().getUid());
            assertThat(e.getReason()).isEqualTo("SimsNotPublished");
          });
    });
  }

  @Test
  void devicesStayPublishedWhileTheApiIsDown() {
    Scene s = scene();
    s.sim(1).named("sensor").inGroup(s.group()).online(s.vpg(), "10.128.5.1");
    createSubnet(s, SoracomSimsSpec.group(s.group()), spec -> { });
    Cluster.await().untilAsserted(() -> assertThat(published(s)).isEqualTo(Map.of("sensor", "10.128.5.1")));
    String version = admin.discovery().v1().endpointSlices().inNamespace(s.namespace()).withName("sensor").get()
        .getMetadata().getResourceVersion();
    soracom.api.goDown();
    try {
      Cluster.await().untilAsserted(() -> {
        DeviceSubnet subnet = subnet(s);
        assertThat(condition(subnet, "SoracomSynced").getReason()).isEqualTo("SoracomUnavailable");
        assertThat(subnet.getStatus().soracom.lastError.message()).contains("unreachable");
        assertThat(condition(subnet, Conditions.READY).getStatus()).isEqualTo("True");
      });
      assertThat(admin.discovery().v1().endpointSlices().inNamespace(s.namespace()).withName("sensor").get()
          .getMetadata().getResourceVersion()).isEqualTo(version);
      assertThat(sims(s).devices).extracting(SimDevice::name).containsExactly("sensor");
    } finally {
      soracom.api.comeBack();
    }
    Cluster.await().untilAsserted(() -> assertThat(condition(subnet(s), "SoracomSynced").getStatus()).isEqualTo("True"));
  }
}
