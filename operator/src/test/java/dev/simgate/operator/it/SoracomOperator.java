package dev.simgate.operator.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.simgate.operator.Fixtures;
import dev.simgate.operator.OperatorSettings;
import dev.simgate.operator.ReconcileMetrics;
import dev.simgate.operator.SimGateOperator;
import dev.simgate.operator.api.v1alpha1.SoracomVpgSpec;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGatewaySpec;
import dev.simgate.operator.soracom.ManualTime;
import dev.simgate.operator.soracom.MockSoracomApi;
import dev.simgate.operator.soracom.SoracomClient;
import dev.simgate.operator.soracom.SoracomSettings;
import dev.simgate.operator.soracom.link.SoracomOptions;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The operator in this JVM with the mock SORACOM API: clients share the mock's manual time (waits of minutes take no
 * time, and tests move time on to end a rate-limit window or an outage), the credentials Secret names the mock as its
 * allowed endpoint, and VPGs point at it.
 */
final class SoracomOperator implements AutoCloseable {
  static final String SECRET = "soracom";

  final ManualTime time = new ManualTime();
  final MockSoracomApi api = new MockSoracomApi(time);
  final String authKeyId = "keyId-" + UUID.randomUUID();
  final String authKey = "secret-" + UUID.randomUUID();
  final PrometheusRegistry registry = new PrometheusRegistry();
  private final SimGateOperator operator;

  SoracomOperator(KubernetesClient admin, KubernetesClient operatorClient, String namespace) {
    api.addAuthKey(authKeyId, authKey);
    admin.resource(new SecretBuilder().withNewMetadata().withName(SECRET).withNamespace(namespace).endMetadata()
        .withData(Map.of("authKeyId", b64(authKeyId), "authKey", b64(authKey), "endpoint", b64(api.baseUri().toString())))
        .build()).create();
    SoracomOptions options = new SoracomOptions(
        coverage -> SoracomSettings.defaults(coverage).withRetry(SoracomOptions.RECONCILE_RETRY),
        (settings, credentials) -> new SoracomClient(settings, credentials, time, time, new Random(7)));
    operator = new SimGateOperator(operatorClient, new OperatorSettings(namespace, Clock.systemUTC()),
        new ReconcileMetrics(registry), null, options).start();
  }

  /** A VPG that takes everything it can from SORACOM VPG {@code vpgId}, refreshed every 5 s; {@code change} edits it. */
  VirtualPrivateGateway vpg(String name, String vpgId, Consumer<VirtualPrivateGatewaySpec> change) {
    var spec = new VirtualPrivateGatewaySpec();
    spec.namespaceSelector = new LabelSelectorBuilder().addToMatchLabels(Fixtures.IOT_LABEL, "true").build();
    spec.soracom = new SoracomVpgSpec(vpgId, SoracomVpgSpec.Coverage.Japan, SECRET);
    spec.soracom.endpoint = api.baseUri().toString();
    spec.soracom.refreshInterval = "5s";
    change.accept(spec);
    return new VirtualPrivateGateway(name, spec);
  }

  /** Sum of simgate_operator_reconciliations_total over the controllers matching the regex, for one result. */
  double reconciliations(String controller, String result) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Matcher m = Pattern.compile("^simgate_operator_reconciliations_total\\{controller=\"" + controller
        + "\",result=\"" + result + "\"} (\\S+)$", Pattern.MULTILINE).matcher(out.toString());
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    operator.close();
    api.close();
  }
}
