package dev.simgate.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.simgate.operator.Fixtures;
import dev.simgate.operator.Limits;
import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.ReconcileMetrics;
import dev.simgate.operator.SimGateOperator;
import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetSpec;
import dev.simgate.testkit.KubeControlPlane;
import dev.simgate.testkit.WithKubeControlPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Device names at moderate scale on a real API server (with the garbage collector): thousands of devices resolvable
 * through their DeviceSubnets' EndpointSlices as CoreDNS reads them, slices repacked as devices go, per-device Services
 * only where asked for, nothing left behind, and the objects of SimGate 0.1 (a Service and EndpointSlice per device)
 * migrated. The operator runs under the chart's rules, with 100 endpoints per slice so that 500 devices span five.
 */
@WithKubeControlPlane(controllers = {"garbage-collector-controller"})
class DeviceNamesIT {
  static final String NS = OperatorScenarioIT.NS;
  static final String VPG = "vpg-names";
  static final int PER_SLICE = 100;

  static KubeControlPlane plane;
  static KubernetesClient admin;
  static String operatorUser;

  private SimGateOperator operator;
  private final List<String> namespaces = new ArrayList<>();

  @BeforeAll
  static void install(KubeControlPlane controlPlane) throws IOException {
    plane = controlPlane;
    admin = plane.client();
    Cluster.installCrds(admin);
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    operatorUser = Cluster.installOperatorRbac(admin, NS, "simgate-operator");
    admin.resource(Fixtures.vpg(VPG)).create();
    Cluster.await().untilAsserted(() -> admin.resources(DeviceSubnet.class).inAnyNamespace().list());
  }

  void startOperator() {
    operator = new SimGateOperator(plane.clientAs(operatorUser),
        new OperatorSettings(NS, Clock.systemUTC()).withLimits(Limits.DEFAULT.withEndpointsPerSlice(PER_SLICE)),
        new ReconcileMetrics(new PrometheusRegistry())).start();
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    for (String namespace : namespaces) {
      admin.resources(DeviceSubnet.class).inNamespace(namespace).delete();
    }
  }

  String namespace(String name) {
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .addToLabels(Fixtures.IOT_LABEL, "true").endMetadata().build()).create();
    namespaces.add(name);
    return name;
  }

  /** {@code count} devices named {@code prefix-<n>} with addresses in 10.(128+block).x.y. */
  static List<Device> devices(String prefix, int block, int count) {
    List<Device> devices = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      devices.add(new Device(prefix + "-" + n, "10.%d.%d.%d".formatted(128 + block, n / 250, 1 + n % 250)));
    }
    return devices;
  }

  static DeviceSubnet subnet(String namespace, String name, int block, List<Device> devices) {
    return new DeviceSubnet(namespace, name, new DeviceSubnetSpec(VPG, List.of("10.%d.0.0/16".formatted(128 + block)),
        devices));
  }

  static Map<String, String> names(List<Device> devices) {
    Map<String, String> names = new TreeMap<>();
    devices.forEach(d -> names.put(d.name, d.address));
    return names;
  }

  static DeviceSubnet get(String namespace, String name) {
    return admin.resources(DeviceSubnet.class).inNamespace(namespace).withName(name).get();
  }

  static void assertOwnedBy(HasMetadata object, DeviceSubnet owner) {
    assertThat(object.getMetadata().getOwnerReferences()).as(object.getMetadata().getName()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(owner.getMetadata().getUid()));
  }

  @Test
  void thousandsOfDevicesResolveAndTheirSlicesArePackedAndRepacked() {
    String ns = namespace("fleet");
    Map<String, List<Device>> fleet = new TreeMap<>();
    for (int s = 0; s < 4; s++) {
      fleet.put("line-" + s, devices("pump" + s, s, 500));
      admin.resource(subnet(ns, "line-" + s, s, fleet.get("line-" + s))).create();
    }
    startOperator();

    Cluster.await().untilAsserted(() -> fleet.forEach((subnet, devices) -> {
      Statuses.assertReady(admin, DeviceSubnet.class, ns, subnet);
      assertThat(DeviceNames.resolvable(admin, ns, subnet)).isEqualTo(names(devices));
    }));
    for (String subnet : fleet.keySet()) {
      DeviceSubnet owner = get(ns, subnet);
      List<EndpointSlice> slices = DeviceNames.slices(admin, ns, subnet);
      assertThat(slices).extracting(s -> s.getMetadata().getName())
          .containsExactlyInAnyOrder(subnet + ".0", subnet + ".1", subnet + ".2", subnet + ".3", subnet + ".4");
      assertThat(slices).allSatisfy(slice -> {
        assertThat(slice.getEndpoints()).hasSize(PER_SLICE);
        assertOwnedBy(slice, owner);
      });
      assertOwnedBy(admin.services().inNamespace(ns).withName(subnet).get(), owner);
    }
    assertThat(admin.services().inNamespace(ns).list().getItems()).hasSize(4);

    // Two of every three of line-1's devices go, from every slice: the 167 left fit in two slices, the others dissolve.
    List<Device> left = new ArrayList<>();
    for (int n = 0; n < 500; n += 3) {
      left.add(fleet.get("line-1").get(n));
    }
    try (SliceHistory history = new SliceHistory(admin, ns, "line-1")) {
      // Watching from a state with all 500 names: the informer's first list comes in slice by slice.
      Cluster.await().until(() -> history.states().stream().anyMatch(state -> state.size() == 500));
      admin.resources(DeviceSubnet.class).inNamespace(ns).withName("line-1").edit(d -> {
        d.getSpec().devices = left;
        return d;
      });
      Cluster.await().untilAsserted(() -> {
        assertThat(DeviceNames.resolvable(admin, ns, "line-1")).isEqualTo(names(left));
        assertThat(DeviceNames.slices(admin, ns, "line-1")).hasSize(2)
            .allSatisfy(slice -> assertThat(slice.getEndpoints()).hasSizeLessThanOrEqualTo(PER_SLICE));
        assertThat(get(ns, "line-1").getStatus().devices).isEqualTo(167);
        assertThat(history.states()).last().isEqualTo(names(left).keySet());
      });
      // A device that moved to another slice was written there before its old slice went: in every state a watcher
      // (CoreDNS) went through, every device that stays resolved.
      List<Set<String>> states = history.states();
      int watching = states.indexOf(states.stream().filter(state -> state.size() == 500).findFirst().orElseThrow());
      assertThat(states.subList(watching, states.size()))
          .allSatisfy(state -> assertThat(state).containsAll(names(left).keySet()));
    }
    assertThat(DeviceNames.resolvable(admin, ns, "line-0")).as("a sibling").isEqualTo(names(fleet.get("line-0")));

    // Deleting a DeviceSubnet leaves nothing of it behind; the others keep their names.
    admin.resources(DeviceSubnet.class).inNamespace(ns).withName("line-2").delete();
    Cluster.await().untilAsserted(() -> {
      assertThat(DeviceNames.slices(admin, ns, "line-2")).isEmpty();
      assertThat(admin.services().inNamespace(ns).withName("line-2").get()).isNull();
    });
    assertThat(admin.discovery().v1().endpointSlices().inNamespace(ns).list().getItems())
        .extracting(s -> s.getMetadata().getLabels().get("kubernetes.io/service-name"))
        .containsOnly("line-0", "line-1", "line-3").hasSize(5 + 2 + 5);
  }

  @Test
  void perDeviceServicesAreAnOptInThatGoesWhenTurnedOff() {
    String ns = namespace("opt-in");
    List<Device> devices = devices("meter", 10, 3);
    DeviceSubnet subnet = subnet(ns, "meters", 10, devices);
    subnet.getSpec().perDeviceServices = true;
    admin.resource(subnet).create();
    startOperator();

    Cluster.await().untilAsserted(() -> {
      Statuses.assertReady(admin, DeviceSubnet.class, ns, "meters");
      assertThat(DeviceNames.resolvable(admin, ns, "meters")).isEqualTo(names(devices));
      for (Device d : devices) {
        // <device>.<namespace>.svc: a headless Service of the device's name, its address in the slice of that name.
        assertThat(admin.services().inNamespace(ns).withName(d.name).get().getSpec().getClusterIP()).isEqualTo("None");
        assertThat(admin.discovery().v1().endpointSlices().inNamespace(ns).withName(d.name).get().getEndpoints())
            .singleElement().satisfies(e -> assertThat(e.getAddresses()).containsExactly(d.address));
      }
    });
    assertThat(Statuses.ready(get(ns, "meters").getStatus().conditions).getMessage())
        .isEqualTo("3 devices published as <device>.meters.opt-in.svc and <device>.opt-in.svc");

    admin.resources(DeviceSubnet.class).inNamespace(ns).withName("meters").edit(d -> {
      d.getSpec().perDeviceServices = null;
      return d;
    });
    Cluster.await().untilAsserted(() -> {
      assertThat(admin.services().inNamespace(ns).list().getItems()).extracting(s -> s.getMetadata().getName())
          .containsExactly("meters");
      assertThat(admin.discovery().v1().endpointSlices().inNamespace(ns).list().getItems())
          .extracting(s -> s.getMetadata().getName()).containsExactly("meters.0");
    });
    assertThat(DeviceNames.resolvable(admin, ns, "meters")).isEqualTo(names(devices));
  }

  /**
   * Names and addresses unique, each address inside spec.cidrs: the operator's rules (not CEL rules of the CRD, which
   * would run at every write of the whole list). A list that breaks them is refused whole, the names published before
   * stay, and the status names the devices at fault.
   */
  @Test
  void aDeviceListThatBreaksItsRulesIsRefusedWholeAndTheNamesBeforeItStay() {
    String ns = namespace("rules");
    List<Device> good = devices("pump", 30, 3);
    admin.resource(subnet(ns, "line", 30, good)).create();
    startOperator();
    Cluster.await().untilAsserted(() -> {
      Statuses.assertReady(admin, DeviceSubnet.class, ns, "line");
      assertThat(DeviceNames.resolvable(admin, ns, "line")).isEqualTo(names(good));
    });

    admin.resources(DeviceSubnet.class).inNamespace(ns).withName("line").edit(d -> {
      d.getSpec().devices = new ArrayList<>(good);
      d.getSpec().devices.add(new Device("pump-0", "10.158.0.9")); // pump-0 twice
      d.getSpec().devices.add(new Device("valve", good.get(1).address)); // pump-1's address
      d.getSpec().devices.add(new Device("drifter", "10.200.0.1")); // outside spec.cidrs
      d.getSpec().devices.add(new Device("meter", "10.158.0.10")); // fine, and not published either
      return d;
    });
    Statuses.assertStalled(admin, DeviceSubnet.class, ns, "line", "InvalidDevices");
    assertThat(Statuses.ready(get(ns, "line").getStatus().conditions).getMessage()).isEqualTo(
        "spec.devices[3].name 'pump-0' is also spec.devices[0]'s (and 2 more device problems)");
    assertThat(DeviceNames.resolvable(admin, ns, "line")).as("nothing of the refused list").isEqualTo(names(good));

    admin.resources(DeviceSubnet.class).inNamespace(ns).withName("line").edit(d -> {
      d.getSpec().devices.removeIf(device -> List.of("valve", "drifter").contains(device.name));
      d.getSpec().devices.removeIf(device -> device.address.equals("10.158.0.9"));
      return d;
    });
    Cluster.await().untilAsserted(() -> {
      Statuses.assertReady(admin, DeviceSubnet.class, ns, "line");
      assertThat(DeviceNames.resolvable(admin, ns, "line")).containsKeys("pump-0", "pump-1", "pump-2", "meter")
          .hasSize(4);
    });
  }

  @Test
  void aServiceOfTheDeviceSubnetsNameThatIsSomeoneElsesIsNotTakenOver() {
    String ns = namespace("taken");
    Service theirs = admin.resource(new ServiceBuilder().withNewMetadata().withName("sims").withNamespace(ns)
        .endMetadata().withNewSpec().withClusterIP("None").addToSelector("app", "theirs").endSpec().build()).create();
    admin.resource(subnet(ns, "sims", 20, devices("pump", 20, 2))).create();
    startOperator();

    Statuses.assertStalled(admin, DeviceSubnet.class, ns, "sims", "ServiceNameTaken");
    assertThat(Statuses.ready(get(ns, "sims").getStatus().conditions).getMessage())
        .contains("Service 'sims' in namespace 'taken' already exists and is not SimGate's");
    Service after = admin.services().inNamespace(ns).withName("sims").get();
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(theirs.getMetadata().getResourceVersion());
    assertThat(after.getSpec().getSelector()).containsEntry("app", "theirs");
    assertThat(DeviceNames.slices(admin, ns, "sims")).isEmpty();

    admin.resource(after).delete();
    Cluster.await().untilAsserted(() -> {
      Statuses.assertReady(admin, DeviceSubnet.class, ns, "sims");
      assertThat(DeviceNames.resolvable(admin, ns, "sims")).hasSize(2);
    });
  }

  /**
   * The objects SimGate 0.1 wrote (a Service and an EndpointSlice named after each device, owned by the DeviceSubnet)
   * are replaced by the DeviceSubnet's names where it does not ask for per-device Services, and adopted where it does.
   * A DeviceSubnet whose name cannot name a Service (the CRD refuses such names now, but not then) keeps them and says
   * why.
   */
  @Test
  void theObjectsOfSimGate01AreMigrated() throws IOException {
    String ns = namespace("upgraded");
    installCrdsWithoutTheNameRule();
    Map<String, List<Device>> subnets = new HashMap<>();
    subnets.put("plain", devices("pump", 30, 3));
    subnets.put("short", devices("valve", 31, 2));
    subnets.put("1st-floor", devices("lamp", 32, 2));
    Map<String, DeviceSubnet> created = new HashMap<>();
    int block = 30;
    for (String name : List.of("plain", "short", "1st-floor")) {
      DeviceSubnet subnet = subnet(ns, name, block++, subnets.get(name));
      subnet.getSpec().perDeviceServices = name.equals("short") ? true : null;
      DeviceSubnet stored = admin.resource(subnet).create();
      created.put(name, stored);
      for (Device d : subnets.get(name)) {
        writeAsSimGate01(stored, d);
      }
    }
    Cluster.installCrds(admin); // the upgrade: the CRDs first, as Helm applies them with the operator
    startOperator();

    Cluster.await().untilAsserted(() -> {
      Statuses.assertReady(admin, DeviceSubnet.class, ns, "plain");
      assertThat(DeviceNames.resolvable(admin, ns, "plain")).isEqualTo(names(subnets.get("plain")));
      for (Device d : subnets.get("plain")) {
        assertThat(admin.services().inNamespace(ns).withName(d.name).get()).as(d.name).isNull();
        assertThat(admin.discovery().v1().endpointSlices().inNamespace(ns).withName(d.name).get()).isNull();
      }
      Statuses.assertReady(admin, DeviceSubnet.class, ns, "short");
      assertThat(DeviceNames.resolvable(admin, ns, "short")).isEqualTo(names(subnets.get("short")));
      for (Device d : subnets.get("short")) {
        Service kept = admin.services().inNamespace(ns).withName(d.name).get();
        assertThat(kept.getMetadata().getUid()).as("adopted, not re-created").isEqualTo(legacyUids.get(d.name));
        assertThat(kept.getMetadata().getLabels()).containsEntry("simgate.dev/dns", "device");
      }
    });
    Statuses.assertStalled(admin, DeviceSubnet.class, ns, "1st-floor", "InvalidName");
    for (Device d : subnets.get("1st-floor")) {
      assertThat(admin.services().inNamespace(ns).withName(d.name).get().getMetadata().getUid())
          .as("%s keeps its SimGate 0.1 name", d.name).isEqualTo(legacyUids.get(d.name));
    }
    assertThat(admin.services().inNamespace(ns).withName("1st-floor").get()).isNull();
  }

  private final Map<String, String> legacyUids = new HashMap<>();

  /** A Service and EndpointSlice of one device exactly as SimGate 0.1 wrote them. */
  private void writeAsSimGate01(DeviceSubnet owner, Device device) {
    var ref = new OwnerReferenceBuilder().withApiVersion("simgate.dev/v1alpha1").withKind("DeviceSubnet")
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).build();
    String ns = owner.getMetadata().getNamespace();
    Service service = admin.resource(new ServiceBuilder().withNewMetadata().withName(device.name).withNamespace(ns)
        .addToLabels("app.kubernetes.io/managed-by", "simgate-operator")
        .addToLabels("simgate.dev/devicesubnet", owner.getMetadata().getName())
        .withOwnerReferences(ref).endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP("None").withPublishNotReadyAddresses(true).endSpec()
        .build()).create();
    legacyUids.put(device.name, service.getMetadata().getUid());
    admin.resource(new EndpointSliceBuilder().withNewMetadata().withName(device.name).withNamespace(ns)
        .addToLabels("app.kubernetes.io/managed-by", "simgate-operator")
        .addToLabels("simgate.dev/devicesubnet", owner.getMetadata().getName())
        .addToLabels("kubernetes.io/service-name", device.name)
        .addToLabels("endpointslice.kubernetes.io/managed-by", "operator.simgate.dev")
        .withOwnerReferences(ref).endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint().withAddresses(device.address).withNewConditions().withReady(true).endConditions().endEndpoint()
        .build()).create();
  }

  /** The CRDs as SimGate 0.1 had them in this respect: any DeviceSubnet name. */
  private static void installCrdsWithoutTheNameRule() throws IOException {
    Path file = Cluster.CRDS.resolve("devicesubnets.simgate.dev-v1.yml");
    try (InputStream in = Files.newInputStream(file)) {
      CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().load(in).item();
      crd.getSpec().getVersions().getFirst().getSchema().getOpenAPIV3Schema().setXKubernetesValidations(null);
      admin.resource(crd).forceConflicts().serverSideApply();
    }
    Cluster.await().untilAsserted(() -> assertThat(admin.apiextensions().v1().customResourceDefinitions()
        .withName("devicesubnets.simgate.dev").get().getSpec().getVersions().getFirst().getSchema()
        .getOpenAPIV3Schema().getXKubernetesValidations()).isNullOrEmpty());
  }
}
