package dev.simgate.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against its own real Kubernetes cluster ({@link KubeCluster}): a control plane and
 * {@link #nodes()} real nodes (kubelet, kube-proxy, containerd, each in its own network namespace), CoreDNS, started
 * before all tests and removed after them. Test and lifecycle methods can take a {@link KubeCluster}, a {@link
 * KubeControlPlane} or a cluster-admin {@link io.fabric8.kubernetes.client.KubernetesClient} as parameters.
 *
 * <pre>{@code
 * @WithKubeCluster(nodes = 2)
 * class MyIT {
 *   @BeforeAll static void images(KubeCluster cluster) { cluster.importImages(Path.of("target/my-image.tar")); }
 *   @Test void runs(KubernetesClient client) { ... }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KubeClusterExtension.class)
public @interface WithKubeCluster {

  /** How many real nodes (node-1, node-2, ...). */
  int nodes() default 1;
}
