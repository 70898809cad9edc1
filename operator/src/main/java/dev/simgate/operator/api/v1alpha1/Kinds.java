package dev.simgate.operator.api.v1alpha1;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** The kinds SimGate defines, each after those it refers to. */
public final class Kinds {
  public static final List<Class<? extends HasMetadata>> ALL = List.of(VirtualPrivateGateway.class, GatePeer.class,
      DeviceSubnet.class);

  private Kinds() {}

  /**
   * Lets {@code serialization} read our kinds as themselves. A watch event of a kind it does not know is read as a
   * generic resource and then converted: two more passes over each DeviceSubnet event (400 devices), most of what the
   * operator spent reading DeviceSubnets.
   */
  public static void registerWith(KubernetesSerialization serialization) {
    ALL.forEach(serialization::registerKubernetesResource);
  }
}
