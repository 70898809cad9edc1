package dev.simgate.operator.devicesubnet;

import java.util.List;

import dev.simgate.operator.api.v1alpha1.Device;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * A device to publish in this reconcile (from spec.devices or from SORACOM), handed to the dependents through the
 * workflow context.
 *
 * @param resolvable whether its name should resolve (an offline SIM may be published unresolvable)
 */
record PublishedDevice(Device device, boolean resolvable) {
  static final String KEY = "simgate.publishedDevices";

  @SuppressWarnings("unchecked")
  static List<PublishedDevice> of(Context<?> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, List.class);
  }
}
