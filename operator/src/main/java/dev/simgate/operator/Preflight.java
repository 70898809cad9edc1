package dev.simgate.operator;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.Kinds;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * What the operator needs before it starts, checked once so that a missing piece is one line saying what is missing
 * and how to fix it, instead of an informer or leader-election stack trace repeated every few seconds: the API server
 * answers, the three CRDs are installed, the operator's namespace exists.
 */
public final class Preflight {
  private Preflight() {}

  /** The first thing missing, as one line, or empty when the operator can start. */
  public static Optional<String> problem(KubernetesClient client, String namespace) {
    String server = String.valueOf(client.getMasterUrl());
    try {
      client.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      return Optional.of("cannot reach the Kubernetes API server at " + server + " (" + rootMessage(e)
          + "): set KUBECONFIG to a kubeconfig for the cluster, or run the operator in the cluster");
    }
    // Discovery, not a list: it needs no RBAC, and logs no warning about the v1alpha1 version.
    Set<String> served = served(client, HasMetadata.getApiVersion(GatePeer.class));
    for (Class<? extends HasMetadata> kind : Kinds.ALL) {
      if (!served.contains(HasMetadata.getPlural(kind))) {
        return Optional.of("the CustomResourceDefinition " + HasMetadata.getPlural(kind) + "." + HasMetadata.getGroup(kind)
            + " is not installed on " + server + ": install the CRDs with kubectl apply --server-side -f crds/"
            + " (or the Helm chart)");
      }
    }
    try {
      if (client.namespaces().withName(namespace).get() == null) {
        return Optional.of("namespace '" + namespace + "' does not exist on " + server + ": create it with kubectl"
            + " create namespace " + namespace + ", or name the operator's namespace with --namespace (env POD_NAMESPACE)");
      }
    } catch (KubernetesClientException e) {
      // Not allowed to read namespaces: nothing to tell in advance.
    }
    return Optional.empty();
  }

  private static Set<String> served(KubernetesClient client, String apiVersion) {
    try {
      APIResourceList list = client.getApiResources(apiVersion);
      return list == null ? Set.of()
          : list.getResources().stream().map(APIResource::getName).collect(Collectors.toSet());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Set.of();
      }
      throw e;
    }
  }

  /** The innermost cause that says something, with its type: "ConnectException: Connection refused". */
  private static String rootMessage(Throwable e) {
    String said = e.getClass().getSimpleName();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      said = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
      if (t.getCause() == null || t.getCause().getMessage() == null && t.getCause().getCause() == null) {
        break;
      }
    }
    return said;
  }
}
