package dev.simgate.operator;

import java.util.function.Consumer;

import dev.simgate.operator.devicesubnet.DeviceSubnetReconciler;
import dev.simgate.operator.devicesubnet.SoracomSimSync;
import dev.simgate.operator.gatepeer.GatePeerReconciler;
import dev.simgate.operator.routes.RangeLedger;
import dev.simgate.operator.soracom.link.SoracomConnections;
import dev.simgate.operator.soracom.link.SoracomOptions;
import dev.simgate.operator.status.EventRecorder;
import dev.simgate.operator.vpg.SoracomVpgSync;
import dev.simgate.operator.vpg.VirtualPrivateGatewayReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;

/** The three controllers on one JOSDK Operator; used by {@link Main} and, in-process, by the tests. */
public final class SimGateOperator implements AutoCloseable {
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
    operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withMetrics(metrics)
          .withCloseClientOnStop(false)
          .withStopOnInformerErrorDuringStartup(true);
      if (leaderElection != null) {
        o.withLeaderElectionConfiguration(leaderElection);
      }
    });
    EventRecorder events = new EventRecorder(client);
    soracomConnections = new SoracomConnections(client, settings.namespace(), soracom);
    operator.register(new VirtualPrivateGatewayReconciler(settings,
        new SoracomVpgSync(soracomConnections, events, settings.clock()), events), timing(settings.timing()));
    operator.register(new GatePeerReconciler(settings, events), timing(settings.timing()));
    operator.register(new DeviceSubnetReconciler(settings, events, new RangeLedger(client, settings.namespace()),
        new SoracomSimSync(soracomConnections, events, settings.clock())), timing(settings.timing()));
  }

  /** Retries, then a resync at least every interval: an outage longer than the retries leaves nothing stale for long. */
  private static <P extends HasMetadata> Consumer<ControllerConfigurationOverrider<P>> timing(ReconcileTiming timing) {
    return o -> o.withRetry(timing.retry()).withReconciliationMaxInterval(timing.resync());
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
