package dev.simgate.testkit;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/** JUnit 5 side of {@link WithKubeCluster}: one cluster per test class (nested classes share it). */
public final class KubeClusterExtension extends LogTailsOnFailure
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KubeClusterExtension.class);
  private static final String KEY = "cluster";

  @Override
  public void beforeAll(ExtensionContext context) {
    if (find(context).isPresent()) {
      return; // a nested class: the enclosing class's cluster serves it
    }
    Class<?> testClass = context.getRequiredTestClass();
    WithKubeCluster spec = AnnotationSupport.findAnnotation(testClass, WithKubeCluster.class).orElseThrow(
        () -> new IllegalStateException(testClass.getName() + " uses KubeClusterExtension without @WithKubeCluster"));
    KubeCluster.Options options =
        KubeCluster.Options.defaults().withName(testClass.getSimpleName()).withNodes(spec.nodes());
    context.getStore(NAMESPACE).put(KEY, KubeCluster.start(options));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    KubeCluster cluster = context.getStore(NAMESPACE).remove(KEY, KubeCluster.class);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class || type == KubeControlPlane.class || type == KubeCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    KubeCluster cluster = find(context)
        .orElseThrow(() -> new ParameterResolutionException("no Kubernetes cluster is running for this test"));
    Class<?> type = parameter.getParameter().getType();
    if (type == KubeCluster.class) {
      return cluster;
    }
    return type == KubeControlPlane.class ? cluster.controlPlane() : cluster.client();
  }

  @Override
  Optional<String> logTails(ExtensionContext context) {
    return find(context).map(cluster -> cluster.logTails(TAIL_LINES));
  }

  private static Optional<KubeCluster> find(ExtensionContext context) {
    return Optional.ofNullable(context.getStore(NAMESPACE).get(KEY, KubeCluster.class));
  }
}
