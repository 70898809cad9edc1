package dev.simgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StartupFailureIT {

  @Test
  void aComponentThatDiesIsReportedWithItsLogAndEverythingIsStopped() throws Exception {
    KubeControlPlane.Options options =
        KubeControlPlane.Options.defaults().withName("failing").withControllers("no-such-controller");

    assertThatThrownBy(() -> KubeControlPlane.start(options))
        .isInstanceOf(ControlPlaneStartException.class)
        .hasMessageContaining("kube-controller-manager exited with code")
        .hasMessageContaining("no-such-controller")
        .hasMessageContaining("kube-controller-manager.log");

    // etcd and kube-apiserver of that attempt are gone: no process of ours still runs a binary from the bin dir
    Path binDir = options.binDir().toRealPath();
    try (Stream<ProcessHandle> children = ProcessHandle.current().descendants()) {
      assertThat(children.map(p -> p.info().command().orElse("")).filter(c -> c.startsWith(binDir.toString())))
          .isEmpty();
    }
  }
}
