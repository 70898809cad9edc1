package dev.simgate.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.SoracomRegistration;
import dev.simgate.operator.api.v1alpha1.SoracomVpgStatus;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.soracom.MockSoracomApi.RecordedRequest;
import dev.simgate.operator.soracom.MockVpg;
import dev.simgate.operator.status.Conditions;
import dev.simgate.testkit.KubeControlPlane;
import dev.simgate.testkit.WithKubeControlPlane;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * spec.soracom of a VirtualPrivateGateway on a real control plane (kube-apiserver, garbage collector, DaemonSet
 * controller, scheduler, kwok nodes running the agent pods), with the operator in this JVM under the chart's RBAC
 * (which allows it to get Secrets in its own namespace only) and the mock SORACOM API on loopback. Each test has its
 * own world (nodes, VPG, GatePeer) and its own SORACOM VPG in the mock.
 */
@WithKubeControlPlane(controllers = {"garbage-collector-controller", "daemonset-controller"}, scheduler = true, kwok = true)
class SoracomVpgIT {
  static final String NS = "simgate-system";
  static final String SYNCED = "SoracomSynced";

  static KubernetesClient admin;
  static SoracomOperator soracom;
  static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
  static final Map<String, MockVpg> MOCK_VPGS = new ConcurrentHashMap<>();

  private World world;

  @BeforeAll
  static void install(KubeControlPlane plane) throws IOException {
    admin = plane.client();
    Cluster.installCrds(admin);
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    KubernetesClient operatorClient = plane.clientAs(Cluster.installOperatorRbac(admin, NS, "simgate-operator"));
    LOGS.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
    soracom = new SoracomOperator(admin, operatorClient, NS);
  }

  @AfterAll
  static void stop() {
    if (soracom != null) {
      soracom.close();
    }
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
  }

  private double errorsBefore;

  @BeforeEach
  void countErrors() {
    errorsBefore = reconciliations("[a-z]+", "error");
  }

  @AfterEach
  void noFailedReconciliation() {
    try {
      assertThat(reconciliations("[a-z]+", "error") - errorsBefore).as("failed reconciliations").isZero();
    } finally {
      if (world != null) {
        world.close();
      }
    }
  }

  /** A world with gate nodes 1 and 2 (node 3 not a gate node), its SORACOM VPG open in the mock, and a GatePeer. */
  private World soracomWorld() {
    world = World.create(admin, NS, null);
    world.createNode(1, true);
    world.createNode(2, true);
    world.createNode(3, false);
    MOCK_VPGS.put(world.vpg(), soracom.api.addVpg(world.vpg(), "10.128.0.0/9").gateOpen(10));
    return world;
  }

  private void createGatePeer(World w, String pool) {
    admin.resource(w.gatePeer(w.gatePeer(), w.vpg(), pool)).create();
  }

  static VirtualPrivateGateway vpg(World w) {
    return admin.resources(VirtualPrivateGateway.class).withName(w.vpg()).get();
  }

  static SoracomVpgStatus soracomStatus(World w) {
    VirtualPrivateGateway vpg = vpg(w);
    assertThat(vpg.getStatus()).isNotNull();
    assertThat(vpg.getStatus().soracom).isNotNull();
    return vpg.getStatus().soracom;
  }

  static Condition condition(VirtualPrivateGateway vpg, String type) {
    return Conditions.find(vpg.getStatus().conditions, type);
  }

  /** The customer Gate peers the mock VPG lists, outer → inner. */
  static Map<String, String> customerPeers(String vpgId) {
    return MOCK_VPGS.get(vpgId).peers().stream().filter(MockVpg.Peer::ownedByCustomer)
        .collect(Collectors.toMap(MockVpg.Peer::outerIpAddress, MockVpg.Peer::innerIpAddress));
  }

  /** Node name → inner address, as the GatePeer allocated them. */
  static Map<String, String> allocated(World w) {
    return OperatorScenarioIT.innerAddresses(w.gatePeerStatus());
  }

  /** Registration for each gate node in place, recorded as SimGate's, and the nodes are what the mock lists. */
  private void assertRegistered(World w, int... nodes) {
    Cluster.await().untilAsserted(() -> {
      Map<String, String> inner = allocated(w);
      Map<String, String> expected = new TreeMap<>();
      for (int n : nodes) {
        assertThat(inner).containsKey(w.node(n));
        expected.put(w.outerAddress(n), inner.get(w.node(n)));
      }
      assertThat(customerPeers(w.vpg())).containsAllEntriesOf(expected);
      List<SoracomRegistration> registrations = soracomStatus(w).registrations;
      assertThat(registrations).hasSize(nodes.length).allSatisfy(r -> {
        assertThat(r.inPlace()).as("in place: %s", r).isTrue();
        assertThat(r.registeredBySimGate()).isTrue();
        assertThat(expected).containsEntry(r.outerAddress(), r.innerAddress());
      });
    });
  }

  @Test
  void gateNodesAreRegisteredAndTheVpgsOwnPeersBecomeTheAgentsPeers() throws IOException {
    World w = soracomWorld();
    admin.resource(soracom.vpg(w.vpg(), w.vpg(), spec -> { })).create();
    createGatePeer(w, World.POOL);

    assertRegistered(w, 1, 2);
    List<String> vpgPeers = MOCK_VPGS.get(w.vpg()).peers().stream().filter(p -> !p.ownedByCustomer())
        .map(MockVpg.Peer::outerIpAddress).sorted().toList();
    Cluster.await().untilAsserted(() -> {
      SoracomVpgStatus s = soracomStatus(w);
      assertThat(s.vpgPeers).isEqualTo(vpgPeers);
      assertThat(s.deviceSubnet).isEqualTo("10.128.0.0/9");
      assertThat(s.vni).isEqualTo(10);
      assertThat(s.gateOpen).isTrue();
      assertThat(w.agentConfig().get("peers")).isEqualTo(vpgPeers);
      assertThat(w.agentConfig().get("vni")).isEqualTo(10);
      VirtualPrivateGateway vpg = vpg(w);
      assertThat(condition(vpg, Conditions.READY).getStatus()).as("Ready: %s", condition(vpg, Conditions.READY)).isEqualTo("True");
      assertThat(condition(vpg, SYNCED).getStatus()).isEqualTo("True");
    });
    // Registered with the inner address SimGate allocated, never one the API picked.
    assertThat(soracom.api.requests()).filteredOn(r -> r.operation().equals("registerGatePeer")
        && r.path().contains(w.vpg())).allSatisfy(r -> assertThat(r.body()).contains("innerIpAddress"));
  }

  @Test
  void aNodeThatLeavesIsUnregisteredAndSomeoneElsesGatePeerIsLeftAlone() {
    World w = soracomWorld();
    MockVpg mock = MOCK_VPGS.get(w.vpg());
    mock.addCustomerPeer("198.51.100.7", "10.200.0.7");
    admin.resource(soracom.vpg(w.vpg(), w.vpg(), spec -> { })).create();
    createGatePeer(w, World.POOL);
    assertRegistered(w, 1, 2);

    w.label(2, false);
    assertRegistered(w, 1);
    assertThat(customerPeers(w.vpg())).doesNotContainKey(w.outerAddress(2))
        .containsEntry("198.51.100.7", "10.200.0.7");
    Cluster.await().untilAsserted(() -> assertThat(soracomStatus(w).otherCustomerPeers)
        .extracting(p -> p.outerAddress()).containsExactly("198.51.100.7"));
    assertThat(soracom.api.requests()).filteredOn(r -> r.operation().equals("unregisterGatePeer"))
        .noneSatisfy(r -> assertThat(r.path()).contains("198.51.100.7"));

    // Deleting the GatePeer unregisters the rest; the stranger's entry still stays.
    admin.resources(GatePeer.class).withName(w.gatePeer()).delete();
    Cluster.await().untilAsserted(() -> {
      assertThat(customerPeers(w.vpg())).containsOnlyKeys("198.51.100.7");
      assertThat(soracomStatus(w).registrations).isEmpty();
    });
  }

  @Test
  void aNodeAddressRegisteredBySomeoneElseIsReportedNotTaken() {
    World w = soracomWorld();
    MOCK_VPGS.get(w.vpg()).addCustomerPeer(w.outerAddress(1), "10.200.0.1");
    admin.resource(soracom.vpg(w.vpg(), w.vpg(), spec -> { })).create();
    createGatePeer(w, World.POOL);
    Cluster.await().untilAsserted(() -> {
      VirtualPrivateGateway vpg = vpg(w);
      assertThat(condition(vpg, Conditions.READY).getReason()).isEqualTo("GatePeerRegistrationConflict");
      assertThat(condition(vpg, Conditions.READY).getMessage()).contains(w.node(1), "registered outside SimGate");
      assertThat(soracomStatus(w).registrations).filteredOn(r -> r.node().equals(w.node(1))).singleElement()
          .satisfies(r -> {
            assertThat(r.inPlace()).isFalse();
            assertThat(r.registeredBySimGate()).isFalse();
          });
      assertThat(customerPeers(w.vpg())).containsKey(w.outerAddress(2));
    });
    assertThat(customerPeers(w.vpg())).containsEntry(w.outerAddress(1), "10.200.0.1");
    assertThat(soracom.api.requests()).filteredOn(r -> r.operation().equals("unregisterGatePeer") && r.path().contains(w.vpg()))
        .isEmpty();
  }

  @Test
  void driftMadeInTheConsoleIsCorrectedWithAnEvent() {
    World w = soracomWorld();
    admin.resource(soracom.vpg(w.vpg(), w.vpg(), spec -> { })).create();
    createGatePeer(w, World.POOL);
    assertRegistered(w, 1, 2);
    MockVpg mock = MOCK_VPGS.get(w.vpg());
    String inner1 = allocated(w).get(w.node(1));

    mock.removePeer(w.outerAddress(1));                                      // unregistered in the console
    mock.removePeer(w.outerAddress(2)).addCustomerPeer(w.outerAddress(2), "10.200.0.2"); // changed in the console
    assertRegistered(w, 1, 2);
    assertThat(customerPeers(w.vpg())).containsEntry(w.outerAddress(1), inner1);
    Cluster.await().untilAsserted(() -> assertThat(events(vpg(w).getMetadata().getUid()))
        .filteredOn(e -> e.getReason().equals("SoracomDriftCorrected"))
        .extracting(e -> e.getMessage())
        .anySatisfy(m -> assertThat(m).contains(w.outerAddress(1), "unregistered outside SimGate"))
        .anySatisfy(m -> assertThat(m).contains(w.outerAddress(2), "10.200.0.2")));
  }

  @Test
  void aMismatchIsReportedAndNothingIsRegistered() {
    World w = soracomWorld();
    admin.resource(soracom.vpg(w.vpg(), w.vpg(), spec -> {
      spec.deviceSubnet = "172.16.0.0/12"; // not the SORACOM VPG's 10.128.0.0/9 (nor the cluster's ranges)
      spec.vni = 20;
      spec.peers = List.of("100.64.0.1");
    })).create();
    createGatePeer(w, "172.16.255.0/30");
    Cluster.await().untilAsserted(() -> {
      VirtualPrivateGateway vpg = vpg(w);
      Condition ready = condition(vpg, Conditions.READY);
      assertThat(ready.getStatus()).isEqualTo("False");
      assertThat(ready.getReason()).isEqualTo("SoracomMismatch");
      assertThat(ready.getMessage()).contains("spec.deviceSubnet 172.16.0.0/12", "10.128.0.0/9", "spec.vni 20", "gateVxlanId 10");
      assertThat(Conditions.isTrue(vpg.getStatus().conditions, Conditions.STALLED)).isTrue();
      assertThat(allocated(w)).hasSize(2);
    });
    assertThat(soracom.api.requests()).filteredOn(r -> r.path().contains(w.vpg()))
        .extracting(RecordedRequest::method).containsOnly("GET");
    assertThat(customerPeers(w.vpg())).isEmpty();
    // The spec wins on the nodes: the agents use what the spec says.
    Cluster.await().untilAsserted(() -> assertThat(w.agentConfig()).containsEntry("vni", 20)
        .containsEntry("peers", List.of("100.64.0.1")));
  }

  @Test
  void peersThatDifferFromTheVpgsAreReportedAndTheSpecsAreUsed() {
    World w = soracomWorld();
    admin.resource(soracom.vpg(w.vpg(), w.vpg(), spec -> spec.peers = List.of("100.64.0.1"))).create();
    createGatePeer(w, World.POOL);
    assertRegistered(w, 1, 2);
    Cluster.await().untilAsserted(() -> {
      assertThat(soracomStatus(w).peersDiffer).contains("spec.peers [100.64.0.1] differ", "the gate peers use spec.peers");
      assertThat(w.agentConfig().get("peers")).isEqualTo(List.of("100.64.0.1"));
      assertThat(events(vpg(w).getMetadata().getUid())).extracting(e -> e.getReason()).contains("SoracomPeersDiffer");
    });
  }

  @Test
  void gateIsOpenedOnlyWhenTheSpecAsks() {
    World w = soracomWorld();
    MockVpg mock = MOCK_VPGS.get(w.vpg()).gateClosed();
    admin.resource(soracom.vpg(w.vpg(), w.vpg(), spec -> spec.vni = 12)).create();
    createGatePeer(w, World.POOL);
    Cluster.await().untilAsserted(() -> {
      VirtualPrivateGateway vpg = vpg(w);
      assertThat(condition(vpg, Conditions.READY).getReason()).isEqualTo("GateClosed");
      assertThat(condition(vpg, Conditions.READY).getMessage()).contains("spec.soracom.openGate: true");
      assertThat(soracomStatus(w).gateOpen).isFalse();
    });
    assertThat(soracom.api.requests()).filteredOn(r -> r.operation().equals("openGate") && r.path().contains(w.vpg())).isEmpty();
    assertThat(mock.isGateOpen()).isFalse();

    // A merge patch: the operator writes the status meanwhile, so an edit of a read copy could meet a conflict.
    admin.resources(VirtualPrivateGateway.class).withName(w.vpg())
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"soracom\":{\"openGate\":true}}}");
    Cluster.await().untilAsserted(() -> {
      assertThat(mock.isGateOpen()).isTrue();
      assertThat(soracomStatus(w).gateOpen).isTrue();
      assertThat(condition(vpg(w), Conditions.READY).getReason()).isNotEqualTo("GateClosed");
    });
    assertThat(mock.vxlanId()).as("opened with spec.vni").isEqualTo(12);
    assertThat(soracom.api.requests()).filteredOn(r -> r.operation().equals("openGate") && r.path().contains(w.vpg())).hasSize(1);
  }

  @Test
  void a429StormIsSurvivedWithoutLosingStateOrExceedingTheAdvertisedRate() throws IOException {
    World w = soracomWorld();
    admin.resource(soracom.vpg(w.vpg(), w.vpg(), spec -> { })).create();
    createGatePeer(w, "10.255.255.0/29");
    assertRegistered(w, 1, 2);
    Map<String, Object> config = w.agentConfig();
    int limit = 20;
    Instant stormStart = soracom.time.instant();
    soracom.api.rateLimit(limit, Duration.ofMinutes(1));
    soracom.api.storm429(10, 60);
    try {
      w.label(3, true); // a new gate node: work for the API while it answers 429
      Cluster.await().untilAsserted(() -> {
        SoracomVpgStatus s = soracomStatus(w);
        assertThat(s.lastError).isNotNull();
        assertThat(s.lastError.httpStatus()).isEqualTo(429);
        assertThat(s.lastError.code()).isEqualTo("MCK0429");
        assertThat(condition(vpg(w), SYNCED).getReason()).isEqualTo("SoracomUnavailable");
      });
      // Meanwhile the last known state stands: registrations, the VPG's peers, the agents' config for nodes 1 and 2.
      SoracomVpgStatus during = soracomStatus(w);
      assertThat(during.vpgPeers).hasSize(2);
      assertThat(during.registrations).filteredOn(SoracomRegistration::inPlace).hasSize(2);
      assertThat(w.agentConfig().get("peers")).isEqualTo(config.get("peers"));
      // Time moves on (the client waits out each window rather than sending); node 3 gets registered in the end.
      Cluster.await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> {
        soracom.time.advance(Duration.ofSeconds(20));
        assertThat(customerPeers(w.vpg())).containsKey(w.outerAddress(3));
      });
      assertRegistered(w, 1, 2, 3);
      List<RecordedRequest> since = soracom.api.requests().stream().filter(r -> !r.at().isBefore(stormStart)).toList();
      assertThat(since).filteredOn(r -> r.status() == 429).as("429s beyond the storm: the quota was exceeded").hasSize(10);
      assertThat(soracom.api.maxRequestsWithin(Duration.ofMinutes(1), r -> !r.at().isBefore(stormStart)
          && !r.operation().equals("auth") && r.status() != 429)).isLessThanOrEqualTo(limit);
    } finally {
      soracom.api.rateLimit(0, Duration.ofMinutes(1));
      soracom.api.storm429(0, 0);
    }
  }

  @Test
  void theApiDownForMinutesChangesNothingOnTheNodesAndStatusSaysWhy() {
    World w = soracomWorld();
    admin.resource(soracom.vpg(w.vpg(), w.vpg(), spec -> { })).create();
    createGatePeer(w, World.POOL);
    assertRegistered(w, 1, 2);
    Cluster.await().untilAsserted(() -> assertThat(condition(vpg(w), Conditions.READY).getStatus()).isEqualTo("True"));
    String configMap = admin.configMaps().inNamespace(NS).withName(w.agent()).get().getMetadata().getResourceVersion();
    long daemonSet = admin.apps().daemonSets().inNamespace(NS).withName(w.agent()).get().getMetadata().getGeneration();
    SoracomVpgStatus before = soracomStatus(w);

    soracom.api.goDown();
    try {
      Cluster.await().untilAsserted(() -> {
        soracom.time.advance(Duration.ofMinutes(1));
        VirtualPrivateGateway vpg = vpg(w);
        assertThat(condition(vpg, SYNCED).getStatus()).isEqualTo("False");
        assertThat(condition(vpg, SYNCED).getReason()).isEqualTo("SoracomUnavailable");
        assertThat(condition(vpg, SYNCED).getMessage()).contains("unreachable", "keep their last known configuration");
        assertThat(vpg.getStatus().soracom.lastError.httpStatus()).isNull();
      });
      // Minutes of outage, several more failed reconciles: nothing on the nodes moves.
      double reconciled = reconciliations("virtualprivategateway", "success");
      Cluster.await().untilAsserted(() -> {
        soracom.time.advance(Duration.ofMinutes(1));
        assertThat(reconciliations("virtualprivategateway", "success")).isGreaterThanOrEqualTo(reconciled + 3);
      });
      VirtualPrivateGateway vpg = vpg(w);
      assertThat(vpg.getStatus().soracom.vpgPeers).isEqualTo(before.vpgPeers);
      assertThat(vpg.getStatus().soracom.registrations).isEqualTo(before.registrations);
      assertThat(condition(vpg, Conditions.READY).getStatus()).as("forwarding is unaffected").isEqualTo("True");
      assertThat(Conditions.find(w.gatePeerStatus().getStatus().conditions, Conditions.READY).getStatus()).isEqualTo("True");
      assertThat(admin.configMaps().inNamespace(NS).withName(w.agent()).get().getMetadata().getResourceVersion())
          .isEqualTo(configMap);
      assertThat(admin.apps().daemonSets().inNamespace(NS).withName(w.agent()).get().getMetadata().getGeneration())
          .isEqualTo(daemonSet);
    } finally {
      soracom.api.comeBack();
    }
    Cluster.await().untilAsserted(() -> {
      VirtualPrivateGateway vpg = vpg(w);
      assertThat(condition(vpg, SYNCED).getStatus()).isEqualTo("True");
      assertThat(vpg.getStatus().soracom.lastError).isNull();
    });
  }

  @Test
  void credentialsAndTokensNeverReachLogsEventsOrStatus() {
    Logger simgate = (Logger) LoggerFactory.getLogger("dev.simgate");
    Level level = simgate.getLevel();
    simgate.setLevel(Level.DEBUG);
    try {
      World w = soracomWorld();
      admin.resource(soracom.vpg(w.vpg(), w.vpg(), spec -> { })).create();
      createGatePeer(w, World.POOL);
      assertRegistered(w, 1, 2);
      // A careless server quotes the request's API key and token in an error: it must not travel on.
      soracom.api.echoCredentialsInNextError("listGatePeers");
      MOCK_VPGS.get(w.vpg()).removePeer(w.outerAddress(1));
      Cluster.await().untilAsserted(() -> assertThat(soracomStatus(w).lastError).isNotNull()
          .satisfies(e -> assertThat(e.message()).contains("[redacted]")));
      assertRegistered(w, 1, 2);
    } finally {
      simgate.setLevel(level);
    }
    List<String> secrets = new ArrayList<>(soracom.api.issuedSecrets());
    secrets.add(soracom.authKeyId);
    secrets.add(soracom.authKey);
    assertThat(secrets).hasSizeGreaterThanOrEqualTo(4);
    List<String> places = new ArrayList<>();
    admin.v1().events().inAnyNamespace().list().getItems().forEach(e -> places.add("event " + Serialization.asJson(e)));
    for (Class<? extends CustomResource<?, ?>> kind
        : List.of(VirtualPrivateGateway.class, GatePeer.class, DeviceSubnet.class)) {
      admin.resources(kind).inAnyNamespace().list().getItems().forEach(o -> places.add("status " + Serialization.asJson(o)));
    }
    for (ILoggingEvent log : LOGS.list) {
      places.add("log " + log.getFormattedMessage() + " " + log.getKeyValuePairs()
          + (log.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(log.getThrowableProxy())));
    }
    assertThat(LOGS.list).as("the operator's DEBUG logs were captured").hasSizeGreaterThan(10);
    for (String secret : secrets) {
      assertThat(places).as("places holding a credential or token").noneMatch(p -> p.contains(secret));
    }
  }

  static List<Event> events(String uid) {
    return admin.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> uid.equals(e.getInvolvedObject().getUid())).toList();
  }

  static double reconciliations(String controller, String result) {
    return soracom.reconciliations(controller, result);
  }

}
