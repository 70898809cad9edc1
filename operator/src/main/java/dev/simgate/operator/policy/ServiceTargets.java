package dev.simgate.operator.policy;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy.Target;
import dev.simgate.operator.routes.RangeClaims.Exposure;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * Where an exposed Service port leads: its ready endpoints, from the Service's EndpointSlices. A port named in the
 * exposure is found by name; a number is the Service's {@code port}, whose name the slices carry with the number each
 * endpoint listens on (a Service's targetPort may be a name that differs between pods).
 */
public final class ServiceTargets {
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  private static final Comparator<Target> ORDER = Comparator.comparing(Target::address).thenComparingInt(Target::port);

  private ServiceTargets() {}

  /**
   * @param targets the ready endpoints, sorted; empty when {@code problem} says why
   * @param problem why SIMs cannot reach the Service, or null
   */
  public record Resolution(List<Target> targets, String problem) {}

  /**
   * @param service the Service in the DeviceSubnet's namespace, or null when there is none
   * @param slices the EndpointSlices of that Service
   */
  public static Resolution resolve(Exposure exposure, Service service, Collection<EndpointSlice> slices) {
    if (service == null) {
      return new Resolution(List.of(), "Service " + exposure.service() + " does not exist");
    }
    Optional<String> portName = portName(exposure, service);
    if (portName.isEmpty()) {
      return new Resolution(List.of(), "Service " + exposure.service() + " has no " + exposure.protocol() + " port "
          + exposure.port());
    }
    TreeSet<Target> targets = new TreeSet<>(ORDER);
    for (EndpointSlice slice : slices) {
      if (!"IPv4".equals(slice.getAddressType()) || slice.getPorts() == null || slice.getEndpoints() == null) {
        continue;
      }
      Optional<Integer> number = slice.getPorts().stream()
          .filter(p -> Objects.equals(blankToEmpty(p.getName()), portName.get())
              && exposure.protocol().equals(p.getProtocol() == null ? "TCP" : p.getProtocol()))
          .map(EndpointPort::getPort)
          .filter(Objects::nonNull)
          .findFirst();
      if (number.isEmpty()) {
        continue;
      }
      for (Endpoint endpoint : slice.getEndpoints()) {
        // Ready unset means ready (discovery.k8s.io/v1); a terminating endpoint is not ready.
        if (endpoint.getConditions() != null && Boolean.FALSE.equals(endpoint.getConditions().getReady())) {
          continue;
        }
        endpoint.getAddresses().stream().map(Ipv4::parseOrNull).filter(Objects::nonNull)
            .forEach(address -> targets.add(new Target(address, number.get())));
      }
    }
    return targets.isEmpty()
        ? new Resolution(List.of(), "Service " + exposure.service() + " has no ready endpoint for port " + exposure.port())
        : new Resolution(List.copyOf(targets), null);
  }

  /** The name (empty for a single unnamed port) of the Service port the exposure means, if it has one. */
  static Optional<String> portName(Exposure exposure, Service service) {
    if (service.getSpec() == null || service.getSpec().getPorts() == null) {
      return Optional.empty();
    }
    boolean byNumber = exposure.port().chars().allMatch(Character::isDigit);
    for (ServicePort port : service.getSpec().getPorts()) {
      String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
      boolean same = byNumber ? Objects.equals(port.getPort(), Integer.valueOf(exposure.port()))
          : exposure.port().equals(port.getName());
      if (same && exposure.protocol().equals(protocol)) {
        return Optional.of(blankToEmpty(port.getName()));
      }
    }
    return Optional.empty();
  }

  private static String blankToEmpty(String name) {
    return name == null ? "" : name;
  }

  /** Keeps of a Service its identity and ports. */
  public static final class TrimmedServices extends BasicItemStore<Service> {
    public TrimmedServices() {
      super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public Service put(String key, Service service) {
      return super.put(key, new ServiceBuilder()
          .withNewMetadata()
          .withNamespace(service.getMetadata().getNamespace())
          .withName(service.getMetadata().getName())
          .withUid(service.getMetadata().getUid())
          .withResourceVersion(service.getMetadata().getResourceVersion())
          .endMetadata()
          .withNewSpec()
          .withPorts(service.getSpec() == null ? null : service.getSpec().getPorts())
          .endSpec()
          .build());
    }
  }

  /** Keeps of an EndpointSlice its identity, Service, addresses with readiness, and ports. */
  public static final class TrimmedSlices extends BasicItemStore<EndpointSlice> {
    public TrimmedSlices() {
      super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public EndpointSlice put(String key, EndpointSlice slice) {
      var labels = slice.getMetadata().getLabels();
      String service = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
      return super.put(key, new EndpointSliceBuilder()
          .withNewMetadata()
          .withNamespace(slice.getMetadata().getNamespace())
          .withName(slice.getMetadata().getName())
          .withUid(slice.getMetadata().getUid())
          .withResourceVersion(slice.getMetadata().getResourceVersion())
          .addToLabels(service == null ? Map.of() : Map.of(SERVICE_NAME_LABEL, service))
          .endMetadata()
          .withAddressType(slice.getAddressType())
          .withPorts(slice.getPorts())
          .withEndpoints(slice.getEndpoints() == null ? null : slice.getEndpoints().stream()
              .map(e -> new EndpointBuilder()
                  .withAddresses(e.getAddresses())
                  .withNewConditions().withReady(e.getConditions() == null ? null : e.getConditions().getReady())
                  .endConditions()
                  .build())
              .toList())
          .build());
    }
  }

  /** The Service an EndpointSlice belongs to, if it says. */
  public static Optional<String> serviceOf(EndpointSlice slice) {
    var labels = slice.getMetadata().getLabels();
    return Optional.ofNullable(labels == null ? null : labels.get(SERVICE_NAME_LABEL));
  }
}
