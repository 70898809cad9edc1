package dev.simgate.operator;

import java.time.Duration;
import java.util.function.Consumer;

import dev.simgate.operator.api.v1alpha1.Kinds;
import dev.simgate.operator.devicesubnet.DeviceSubnetAccessReconciler;
import dev.simgate.operator.devicesubnet.DeviceSubnetReconciler;
import dev.simgate.operator.devicesubnet.SoracomSimSync;
import dev.simgate.operator.gatepeer.GatePeerReconciler;
import dev.simgate.operator.nodeagent.NodeAgentReconciler;
import dev.simgate.operator.nodepolicy.NodePolicyReconciler;
import dev.simgate.operator.policy.PolicyPods;
import dev.simgate.operator.routes.RangeLedger;
import dev.simgate.operator.soracom.link.SoracomConnections;
import dev.simgate.operator.soracom.link.SoracomOptions;
import dev.simgate.operator.status.DeviceSubnetWatch;
import dev.simgate.operator.status.EventRecorder;
import dev.simgate.operator.status.Pruning;
import dev.simgate.operator.status.SharedWatch;
import dev.simgate.operator.vpg.SoracomVpgSync;
import dev.simgate.operator.vpg.VirtualPrivateGatewayReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.rate.LinearRateLimiter;

/** The controllers on one JOSDK Operator; used by {@link Main} and, in-process, by the tests. */
public final class SimGateOperator implements AutoCloseable {
  static final Duration SUMMARY_PERIOD = Duration.ofSeconds(1);

  private final Operator operator;
  private final SoracomConnections soracomConnections;

  public SimGateOperator(KubernetesClient client, OperatorSettings settings, Metrics metrics) {
    this(client, settings, metrics, null);
  }

  /**
   * @param leaderElection null: reconcile from the start (a single replica). Otherwise the
   *     controllers run only while this instance holds the Lease, so replicas can stand by.
   */
  public SimGateOperator(KubernetesClient client, OperatorSettings settings, Metrics metrics,
      LeaderElectionConfiguration leaderElection) {
    this(client, settings, metrics, leaderElection, SoracomOptions.DEFAULT);
  }

  /** @param soracom how the SORACOM API is called (tests inject clients with their own time) */
  public SimGateOperator(KubernetesClient client, OperatorSettings settings, Metrics metrics,
      LeaderElectionConfiguration leaderElection, SoracomOptions soracom) {
    Kinds.registerWith(client.getKubernetesSerialization());
    operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withMetrics(metrics)
          .withCloseClientOnStop(false)
          .withStopOnInformerErrorDuringStartup(true)
          .withConcurrentReconciliationThreads(settings.reconcileThreads());
      if (leaderElection != null) {
        o.withLeaderElectionConfiguration(leaderElection);
      }
    });
    EventRecorder events = new EventRecorder(client);
    DeviceSubnetWatch deviceSubnets = new DeviceSubnetWatch(client);
    soracomConnections = new SoracomConnections(client, settings.namespace(), soracom);
    operator.register(new VirtualPrivateGatewayReconciler(settings,
        new SoracomVpgSync(soracomConnections, events, settings.clock()), events, deviceSubnets),
        summary(timing(settings.timing())));
    operator.register(new GatePeerReconciler(settings, events, deviceSubnets), summary(timing(settings.timing())));
    operator.register(new DeviceSubnetReconciler(settings, events, new RangeLedger(client, settings.namespace()),
        new SoracomSimSync(soracomConnections, events, settings.clock()), deviceSubnets),
        paged(timing(settings.timing())));
    // Traffic policy (issue 9): each node's policy document, the DeviceSubnets' access status, the node agents.
    SharedWatch<Pod> pods = PolicyPods.watch(client);
    operator.register(new NodePolicyReconciler(settings, client, deviceSubnets, pods), timing(settings.timing()));
    operator.register(new DeviceSubnetAccessReconciler(settings, deviceSubnets, pods),
        paged(timing(settings.timing())));
    operator.register(new NodeAgentReconciler(settings), timing(settings.timing()));
  }

  /** Retries, then a resync at least every interval: an outage longer than the retries leaves nothing stale for long. */
  private static <P extends HasMetadata> Consumer<ControllerConfigurationOverrider<P>> timing(ReconcileTiming timing) {
    return o -> o.withRetry(timing.retry()).withReconciliationMaxInterval(timing.resync());
  }

  /**
   * A GatePeer's status lists every node and a VPG's sums its GatePeers and DeviceSubnets: events for them come in
   * storms (a thousand agent pods turning Ready, a hundred DeviceSubnets published at once), so each is reconciled at
   * most once a second and its status written once per batch, not per event.
   */
  private static <P extends HasMetadata> Consumer<ControllerConfigurationOverrider<P>> summary(
      Consumer<ControllerConfigurationOverrider<P>> timing) {
    return timing.andThen(o -> o.withRateLimiter(new LinearRateLimiter(SUMMARY_PERIOD, 1)));
  }

  /** DeviceSubnets hold up to 100,000 devices between them: their informer lists them in pages. */
  private static <P extends HasMetadata> Consumer<ControllerConfigurationOverrider<P>> paged(
      Consumer<ControllerConfigurationOverrider<P>> timing) {
    return timing.andThen(o -> o.withInformerListLimit(Pruning.LIST_PAGE));
  }

  public SimGateOperator start() {
    operator.start();
    return this;
  }

  public RuntimeInfo runtimeInfo() {
    return operator.getRuntimeInfo();
  }

  @Override
  public void close() {
    operator.stop();
    soracomConnections.close();
  }
}
