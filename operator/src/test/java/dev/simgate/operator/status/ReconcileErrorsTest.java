package dev.simgate.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;

class ReconcileErrorsTest {
  @Test
  void anApiRefusalIsDescribedByWhatTheApiServerSaid() {
    var forbidden = new KubernetesClientException(new StatusBuilder().withCode(403)
        .withMessage("configmaps \"simgate-gp\" is forbidden: User \"x\" cannot patch resource \"configmaps\"").build());
    var aggregated = new AggregatedOperatorException("Exception(s) during workflow execution.",
        Map.of("configmap", new IllegalStateException("wrapped", forbidden)));
    assertThat(ReconcileErrors.describe(aggregated))
        .isEqualTo("API answered 403: configmaps \"simgate-gp\" is forbidden: User \"x\" cannot patch resource \"configmaps\"");
  }

  @Test
  void anUnreachableApiIsDescribedByItsRootCauseOnOneBoundedLine() {
    var outage = new KubernetesClientException("Operation: [patch] failed", new ConnectException("Connection\nrefused"));
    assertThat(ReconcileErrors.describe(outage)).isEqualTo("ConnectException: Connection refused");
    assertThat(ReconcileErrors.describe(new IllegalStateException("x".repeat(5000)))).hasSize(1024).endsWith("…");
  }
}
