package dev.simgate.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against its own real Kubernetes control plane (etcd + kube-apiserver, started before
 * all tests, stopped after them). Test and lifecycle methods can take a {@link
 * io.fabric8.kubernetes.client.KubernetesClient} (cluster-admin) or the {@link KubeControlPlane} as parameters.
 *
 * <pre>{@code
 * @WithKubeControlPlane(controllers = {"garbage-collector-controller", "daemonset-controller"}, scheduler = true)
 * class MyTest {
 *   @Test void works(KubernetesClient client, KubeControlPlane plane) { ... }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KubeControlPlaneExtension.class)
public @interface WithKubeControlPlane {

  /** kube-controller-manager controllers to run (empty: no controller manager). */
  String[] controllers() default {};

  /** Run kube-scheduler. */
  boolean scheduler() default false;

  /** Run the kwok controller: it manages Nodes annotated {@code kwok.x-k8s.io/node: fake}. */
  boolean kwok() default false;
}
