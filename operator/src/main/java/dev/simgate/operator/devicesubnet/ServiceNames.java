package dev.simgate.operator.devicesubnet;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * The Services a DeviceSubnet is about to write must be its own or not exist: applying would otherwise take over a
 * Service someone else made (or another DeviceSubnet's). Names it already owns are known from the informers; only the
 * others are looked up, so a DeviceSubnet costs one read when it first publishes, none after.
 */
final class ServiceNames {
  private ServiceNames() {}

  static Optional<Problem> check(DeviceSubnet subnet, List<PublishedDevice> devices, Context<DeviceSubnet> context) {
    String name = subnet.getMetadata().getName();
    if (!name.matches(DeviceSubnet.SERVICE_NAME) || name.length() > 63) {
      return Optional.of(new Problem(Problem.INVALID_NAME, "metadata.name '" + name + "' cannot name a Service (a DNS"
          + " label that starts with a letter, at most 63 characters), under which the devices would resolve; they are"
          + " not published: re-create the DeviceSubnet under such a name"));
    }
    Set<String> wanted = new LinkedHashSet<>();
    wanted.add(name);
    if (subnet.getSpec().wantsPerDeviceServices()) {
      for (PublishedDevice device : devices) {
        if (device.device().name.equals(name)) {
          return Optional.of(new Problem(Problem.SERVICE_NAME_TAKEN, "spec.devices: device '" + name + "' has the"
              + " DeviceSubnet's own name, which its headless Service takes: with perDeviceServices, rename the device"));
        }
        wanted.add(device.device().name);
      }
    }
    Set<String> owned = context.getSecondaryResourcesAsStream(Service.class)
        .map(s -> s.getMetadata().getName()).collect(Collectors.toSet());
    wanted.removeAll(owned);
    if (wanted.isEmpty()) {
      return Optional.empty();
    }
    String namespace = subnet.getMetadata().getNamespace();
    var services = context.getClient().services().inNamespace(namespace);
    List<Service> existing = wanted.size() == 1
        ? Optional.ofNullable(services.withName(wanted.iterator().next()).get()).stream().toList()
        : services.list().getItems().stream().filter(s -> wanted.contains(s.getMetadata().getName())).toList();
    return existing.stream()
        .filter(s -> !ownedBy(s, subnet))
        .findFirst()
        .map(s -> new Problem(Problem.SERVICE_NAME_TAKEN, "Service '" + s.getMetadata().getName() + "' in namespace '"
            + namespace + "' already exists and " + owner(s) + ": nothing is published under its name; rename the "
            + (s.getMetadata().getName().equals(name) ? "DeviceSubnet" : "device") + " or remove that Service"));
  }

  private static boolean ownedBy(HasMetadata object, DeviceSubnet subnet) {
    return controller(object).map(o -> subnet.getMetadata().getUid().equals(o.getUid())).orElse(false);
  }

  private static String owner(HasMetadata object) {
    return controller(object).map(o -> "belongs to " + o.getKind() + " '" + o.getName() + "'")
        .orElse("is not SimGate's");
  }

  private static Optional<OwnerReference> controller(HasMetadata object) {
    List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
    return refs == null ? Optional.empty()
        : refs.stream().filter(r -> "DeviceSubnet".equals(r.getKind()) || Boolean.TRUE.equals(r.getController()))
            .findFirst();
  }
}
