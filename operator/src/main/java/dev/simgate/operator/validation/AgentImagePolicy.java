package dev.simgate.operator.validation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.simgate.operator.api.v1alpha1.GatePeerSpec;

/**
 * Which agent images a GatePeer may name. The agent runs with NET_ADMIN on the host network of every node the GatePeer
 * selects, so naming an image is running that code with that privilege: by default only the operator's own agent image
 * is allowed, and a cluster admin widens the list (operator option --allowed-agent-images, Helm value
 * agent.allowedImages). A pattern is an exact image reference, or a prefix ending in {@code *}
 * ({@code registry.example.com/simgate/agent:*}).
 */
public record AgentImagePolicy(List<String> patterns) {
  public AgentImagePolicy {
    patterns = List.copyOf(patterns);
    for (String pattern : patterns) {
      if (pattern.isBlank() || pattern.indexOf('*') >= 0 && pattern.indexOf('*') != pattern.length() - 1) {
        throw new IllegalArgumentException("agent image pattern '" + pattern
            + "': an image reference, or a prefix ending in a single '*'");
      }
    }
  }

  public static AgentImagePolicy only(String image) {
    return new AgentImagePolicy(List.of(image));
  }

  /** The default image plus the comma-separated patterns of {@code list} (blank: the default image only). */
  public static AgentImagePolicy of(String defaultImage, String list) {
    List<String> patterns = new ArrayList<>(List.of(defaultImage));
    if (list != null) {
      Arrays.stream(list.split(",")).map(String::strip).filter(p -> !p.isEmpty()).forEach(patterns::add);
    }
    return new AgentImagePolicy(patterns);
  }

  public boolean allows(String image) {
    return patterns.stream().anyMatch(p -> p.endsWith("*") ? image.startsWith(p.substring(0, p.length() - 1)) : image.equals(p));
  }

  /** A GatePeer that names no image runs the operator's default, which is always allowed. */
  public Optional<Problem> check(GatePeerSpec spec) {
    String image = spec.agent == null ? null : spec.agent.image;
    if (image == null || allows(image)) {
      return Optional.empty();
    }
    return Optional.of(new Problem(Problem.AGENT_IMAGE_NOT_ALLOWED, "spec.agent.image '" + image
        + "' is not an allowed agent image (allowed: " + String.join(", ", patterns) + "); the agent runs with"
        + " NET_ADMIN on the host network, so a cluster admin widens the list (Helm value agent.allowedImages)"));
  }
}
