package dev.simgate.operator.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatePeerStatus extends StatusBase {
  @JsonPropertyDescription("One entry per selected node: its outer and inner address and whether its agent is ready. Inner addresses recorded here are kept across operator restarts.")
  public List<NodeStatus> nodes = new ArrayList<>();

  @JsonPropertyDescription("Nodes selected by nodeSelector.")
  public Integer desiredNodes;

  @JsonPropertyDescription("Selected nodes that hold an inner address.")
  public Integer allocatedNodes;

  @JsonPropertyDescription("Selected nodes whose agent pod is ready.")
  public Integer readyNodes;

  @Override
  public boolean equals(Object o) {
    return super.equals(o)
        && o instanceof GatePeerStatus s
        && Objects.equals(nodes, s.nodes)
        && Objects.equals(desiredNodes, s.desiredNodes)
        && Objects.equals(allocatedNodes, s.allocatedNodes)
        && Objects.equals(readyNodes, s.readyNodes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), nodes, desiredNodes, allocatedNodes, readyNodes);
  }
}
