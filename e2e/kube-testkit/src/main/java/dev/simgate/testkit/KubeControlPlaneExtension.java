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

/**
 * JUnit 5 side of {@link WithKubeControlPlane}: one control plane per test class (a nested class shares its enclosing
 * class's unless annotated itself), parameters resolved from it, and the process logs' tails printed when anything
 * fails.
 */
public final class KubeControlPlaneExtension extends LogTailsOnFailure
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KubeControlPlaneExtension.class);
  private static final String KEY = "plane";

  @Override
  public void beforeAll(ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    if (!AnnotationSupport.isAnnotated(testClass, WithKubeControlPlane.class) && find(context).isPresent()) {
      return; // a nested class without its own annotation: the enclosing class's control plane serves it
    }
    WithKubeControlPlane spec =
        AnnotationSupport.findAnnotation(testClass, WithKubeControlPlane.class)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        testClass.getName() + " uses KubeControlPlaneExtension without @WithKubeControlPlane"));
    KubeControlPlane.Options options =
        KubeControlPlane.Options.defaults()
            .withName(testClass.getSimpleName())
            .withControllers(spec.controllers())
            .withScheduler(spec.scheduler())
            .withKwok(spec.kwok());
    context.getStore(NAMESPACE).put(KEY, KubeControlPlane.start(options));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    KubeControlPlane plane = context.getStore(NAMESPACE).remove(KEY, KubeControlPlane.class);
    if (plane != null) {
      plane.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class || type == KubeControlPlane.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    KubeControlPlane plane =
        find(context)
            .orElseThrow(
                () -> new ParameterResolutionException("no Kubernetes control plane is running for this test"));
    return parameter.getParameter().getType() == KubeControlPlane.class ? plane : plane.client();
  }

  @Override
  Optional<String> logTails(ExtensionContext context) {
    return find(context).map(plane -> plane.logTails(TAIL_LINES));
  }

  private static Optional<KubeControlPlane> find(ExtensionContext context) {
    return Optional.ofNullable(context.getStore(NAMESPACE).get(KEY, KubeControlPlane.class));
  }
}
