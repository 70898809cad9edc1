package dev.simgate.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Argo CD Application example points at this chart, with values the chart accepts and a labelled namespace. */
class ArgoApplicationIT {

  @Test
  void chartApplicationMatchesTheChart(@TempDir Path tmp) throws IOException {
    List<JsonNode> applications = Manifests.parse(Repo.CHART.resolve("argocd/application.yaml"));
    JsonNode app = applications.stream().filter(a -> a.at("/metadata/name").asText().equals("simgate")).findFirst()
        .orElseThrow();

    assertThat(Repo.ROOT.resolve(app.at("/spec/source/path").asText())).isEqualTo(Repo.CHART);
    assertThat(app.at("/spec/destination/namespace").asText()).isEqualTo("simgate-system");
    assertThat(app.at("/spec/syncPolicy/managedNamespaceMetadata/labels/pod-security.kubernetes.io~1enforce")
        .asText()).isEqualTo("privileged");
    assertThat(app.at("/spec/syncPolicy/syncOptions").toString()).contains("CreateNamespace=true");

    Path values = tmp.resolve("values.yaml");
    Files.writeString(values, Manifests.YAML.writeValueAsString(app.at("/spec/source/helm/valuesObject")));
    Helm.template("-f", values.toString()).requireSuccess();
  }
}
