package dev.simgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeBinariesTest {

  @Test
  void environmentWinsOverSystemPropertyWhichWinsOverTheDefault() {
    Properties properties = new Properties();
    properties.setProperty("user.home", "/home/u");
    assertThat(KubeBinaries.locate(Map.of(), properties).dir())
        .isEqualTo(Path.of("/home/u/.cache/simgate/k8s", KubeBinaries.KUBERNETES_VERSION, "bin"));
    assertThat(KubeBinaries.locate(Map.of("SIMGATE_CACHE", "/c"), properties).dir())
        .isEqualTo(Path.of("/c/k8s", KubeBinaries.KUBERNETES_VERSION, "bin"));

    properties.setProperty("simgate.k8s.bin", "/from/property");
    assertThat(KubeBinaries.locate(Map.of("SIMGATE_CACHE", "/c"), properties).dir()).isEqualTo(Path.of("/from/property"));
    assertThat(KubeBinaries.locate(Map.of("SIMGATE_K8S_BIN", "/from/env"), properties).dir())
        .isEqualTo(Path.of("/from/env"));
  }

  @Test
  void aMissingBinaryFailsWithTheCommandThatBuildsIt(@TempDir Path empty) {
    assertThatThrownBy(() -> KubeControlPlane.start(KubeControlPlane.Options.defaults().withBinDir(empty)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(empty.resolve("etcd").toString())
        .hasMessageContaining("bash e2e/k8s/toolchain.sh");
  }

  @Test
  void theJavaSideAgreesWithTheToolchainOnTheKubernetesVersion() throws Exception {
    String script = Files.readString(Path.of("..", "k8s", "toolchain.sh"));
    assertThat(script).containsPattern("(?m)^K8S_VERSION=" + KubeBinaries.KUBERNETES_VERSION.replace(".", "\\.") + "\\s");
  }
}
