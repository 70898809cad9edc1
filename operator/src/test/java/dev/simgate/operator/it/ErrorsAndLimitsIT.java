package dev.simgate.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.simgate.operator.Fixtures;
import dev.simgate.operator.Limits;
import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.ReconcileMetrics;
import dev.simgate.operator.ReconcileTiming;
import dev.simgate.operator.SimGateOperator;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetSpec;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.render.AgentImage;
import dev.simgate.operator.status.Conditions;
import dev.simgate.operator.validation.AgentImagePolicy;
import dev.simgate.testkit.KubeControlPlane;
import dev.simgate.testkit.WithKubeControlPlane;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The operator with settings of each test's own: failures it cannot fix by retrying (the API server away for longer
 * than its retries, its own permissions taken away) and the limits a user meets. Short retries and a short resync keep
 * the waits short; they change how soon the operator tries again, not whether.
 */
@WithKubeControlPlane(controllers = {"garbage-collector-controller", "daemonset-controller"}, scheduler = true, kwok = true)
class ErrorsAndLimitsIT {
  static final String NS = OperatorScenarioIT.NS;
  static final String SA = "simgate-operator";
  /** Two attempts 200 ms apart, then a resync every 3 s: the retries are used up long before an outage ends. */
  static final ReconcileTiming TIMING = new ReconcileTiming(Duration.ofSeconds(3), 2, Duration.ofMillis(200));

  static KubernetesClient admin;
  static KubeControlPlane plane;
  static String operatorUser;

  private SimGateOperator operator;
  private PrometheusRegistry registry;
  private RetriesExhausted gatePeerRetries;
  private World world;

  @BeforeAll
  static void install(KubeControlPlane controlPlane) throws IOException {
    plane = controlPlane;
    admin = plane.client();
    Cluster.installCrds(admin);
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    operatorUser = Cluster.installOperatorRbac(admin, NS, SA);
    // The API server answers 429 for a new CRD until its watch cache is filled.
    Cluster.await().untilAsserted(() -> {
      admin.resources(VirtualPrivateGateway.class).list();
      admin.resources(GatePeer.class).list();
      admin.resources(DeviceSubnet.class).inAnyNamespace().list();
    });
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    if (world != null) {
      world.close();
    }
  }

  private static OperatorSettings settings() {
    return new OperatorSettings(NS, Clock.systemUTC()).withTiming(TIMING);
  }

  private void start(OperatorSettings settings, KubernetesClient client) {
    registry = new PrometheusRegistry();
    gatePeerRetries = new RetriesExhausted(new ReconcileMetrics(registry), "gatepeer");
    operator = new SimGateOperator(client, settings, gatePeerRetries).start();
  }

  /** Gate nodes 1 and 2, the world's VPG, GatePeer and DeviceSubnet, once the GatePeer is Ready. */
  private World readyWorld() {
    world = World.create(admin, NS, null);
    world.createNode(1, true);
    world.createNode(2, true);
    world.createResources();
    Cluster.await().untilAsserted(() -> Statuses.assertReady(admin, GatePeer.class, null, world.gatePeer()));
    return world;
  }

  private void setPeers(World w, List<String> peers) {
    admin.resources(VirtualPrivateGateway.class).withName(w.vpg()).edit(v -> {
      v.getSpec().peers = peers;
      return v;
    });
  }

  @Test
  void aChangeSeenDuringAnApiOutageLongerThanTheRetriesIsAppliedAfterIt() throws IOException {
    try (ApiProxy proxy = new ApiProxy(plane.serverUrl())) {
      Config config = Config.fromKubeconfig(Files.readString(plane.kubeconfig()));
      config.setMasterUrl(proxy.url());
      config.setImpersonateUsername(operatorUser);
      // An attempt fails after two quick retries of the client's own, not after its default ten (about 100 s).
      config.setRequestRetryBackoffLimit(2);
      config.setRequestRetryBackoffInterval(100);
      config.setWebsocketPingInterval(0L); // an open watch sends nothing, so it outlives the cut
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        start(settings(), client);
        World w = readyWorld();

        proxy.cut();
        // A node's outer address changes: only the GatePeer watches that (no other controller's retry after the
        // outage could bring the change in by the way, as a VPG status write would).
        String moved = "198.51.100.7";
        admin.nodes().withName(w.node(1)).editStatus(n -> {
          n.getStatus().getAddresses().stream().filter(a -> a.getType().equals("InternalIP"))
              .forEach(a -> a.setAddress(moved));
          return n;
        });
        // The watch delivers the change; every attempt to write the agent config fails until the retries are used up.
        Cluster.await().until(() -> gatePeerRetries.exhausted(new ResourceID(w.gatePeer())));
        proxy.restore();

        // Nothing changes any more after the outage: only the resync brings the change in.
        Cluster.await().untilAsserted(() -> {
          assertThat(w.agentConfig().get("nodes")).asString().contains("localAddress=" + moved);
          Statuses.assertReady(admin, GatePeer.class, null, w.gatePeer());
        });
      }
    }
  }

  @Test
  void aFailingReconcileSaysWhyInStatusAndAnEventAndRecoversByItself() {
    start(settings(), plane.clientAs(operatorUser));
    World w = readyWorld();
    RoleBinding binding = admin.rbac().roleBindings().inNamespace(NS).withName(SA).get();
    admin.resource(binding).delete();
    Cluster.await().until(() -> admin.rbac().roleBindings().inNamespace(NS).withName(SA).get() == null);

    List<String> peers = List.of("100.64.152.4", "100.64.152.201");
    setPeers(w, peers);
    Statuses.assertStalled(admin, GatePeer.class, null, w.gatePeer(), "ReconcileError");
    assertThat(Statuses.ready(w.gatePeerStatus().getStatus().conditions).getMessage())
        .contains("403", "forbidden", "configmaps");

    binding.getMetadata().setResourceVersion(null);
    binding.getMetadata().setUid(null);
    admin.resource(binding).create();
    // Restoring a permission is no event the operator watches: the resync finds that it works again.
    Cluster.await().untilAsserted(() -> {
      assertThat(w.agentConfig().get("peers")).isEqualTo(peers);
      Statuses.assertReady(admin, GatePeer.class, null, w.gatePeer());
    });
  }

  @Test
  void aVpgRoutesNoMoreCidrsThanTheLimitAndAWaitingDeviceSubnetGetsInWhenThereIsRoom() {
    start(settings().withLimits(Limits.DEFAULT.withRoutesPerVpg(2)), plane.clientAs(operatorUser));
    World w = readyWorld(); // its DeviceSubnet routes one CIDR
    admin.resource(new DeviceSubnet(w.factory(), "more", new DeviceSubnetSpec(w.vpg(),
        List.of("10.130.0.0/16", "10.131.0.0/16"), List.of()))).create();

    Statuses.assertStalled(admin, DeviceSubnet.class, w.factory(), "more", "RouteLimitExceeded");
    assertThat(Statuses.ready(admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("more")
        .get().getStatus().conditions).getMessage()).contains("limit of 2");
    Cluster.await().untilAsserted(() -> assertThat(w.agentConfig().get("routes")).isEqualTo(List.of("10.128.0.0/16")));

    admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("sims").delete();
    Cluster.await().untilAsserted(() -> {
      Statuses.assertReady(admin, DeviceSubnet.class, w.factory(), "more");
      assertThat(w.agentConfig().get("routes")).isEqualTo(List.of("10.130.0.0/16", "10.131.0.0/16"));
    });
  }

  @Test
  void anAgentConfigOverTheSizeLimitIsRefusedAndTheRunningOneKept() {
    start(settings(), plane.clientAs(operatorUser));
    World w = readyWorld();
    int size = admin.configMaps().inNamespace(NS).withName(w.agent()).get().getData().get("agent.yaml").length();
    operator.close();
    // Room for what runs now, not for one more route.
    start(settings().withLimits(Limits.DEFAULT.withAgentConfigBytes(size + 4)), plane.clientAs(operatorUser));
    String running = Statuses.version(admin, ConfigMap.class, NS, w.agent());

    admin.resource(new DeviceSubnet(w.factory(), "more", new DeviceSubnetSpec(w.vpg(), List.of("10.130.0.0/16"),
        List.of()))).create();
    Statuses.assertStalled(admin, GatePeer.class, null, w.gatePeer(), "AgentConfigTooLarge");
    assertThat(Statuses.ready(w.gatePeerStatus().getStatus().conditions).getMessage())
        .contains("over the limit of " + (size + 4));
    assertThat(Statuses.version(admin, ConfigMap.class, NS, w.agent())).isEqualTo(running);

    admin.resources(DeviceSubnet.class).inNamespace(w.factory()).withName("more").delete();
    Cluster.await().untilAsserted(() -> Statuses.assertReady(admin, GatePeer.class, null, w.gatePeer()));
  }

  @Test
  void aGatePeerSelectingMoreNodesThanTheLimitIsRefusedAndTheRunningConfigKept() {
    start(settings().withLimits(Limits.DEFAULT.withNodesPerGatePeer(2)), plane.clientAs(operatorUser));
    World w = readyWorld(); // two gate nodes: at the limit
    String running = Statuses.version(admin, ConfigMap.class, NS, w.agent());

    w.createNode(3, true);
    Statuses.assertStalled(admin, GatePeer.class, null, w.gatePeer(), "TooManyNodes");
    assertThat(Statuses.ready(w.gatePeerStatus().getStatus().conditions).getMessage())
        .contains("selects 3 nodes, over the limit of 2 per GatePeer");
    assertThat(Statuses.version(admin, ConfigMap.class, NS, w.agent())).isEqualTo(running);

    w.label(3, false);
    Cluster.await().untilAsserted(() -> Statuses.assertReady(admin, GatePeer.class, null, w.gatePeer()));
  }

  @Test
  void aClusterAdminWidensTheAgentImagesAGatePeerMayName() {
    String image = "registry.example.com/simgate/agent:0.2.0";
    start(settings().withAllowedImages(AgentImagePolicy.of(AgentImage.DEFAULT.image(), "registry.example.com/simgate/agent:*")),
        plane.clientAs(operatorUser));
    world = World.create(admin, NS, null);
    world.createNode(1, true);
    admin.resource(Fixtures.vpg(world.vpg())).create();
    GatePeer peer = world.gatePeer(world.gatePeer(), world.vpg(), World.POOL);
    peer.getSpec().agent.image = image;
    admin.resource(peer).create();
    Cluster.await().untilAsserted(() -> {
      assertThat(Conditions.isTrue(world.gatePeerStatus().getStatus().conditions, Conditions.STALLED)).isFalse();
      assertThat(admin.apps().daemonSets().inNamespace(NS).withName(world.agent()).get().getSpec().getTemplate()
          .getSpec().getContainers().getFirst().getImage()).isEqualTo(image);
    });
  }
}
