package dev.simgate.operator.validation;

/** A cross-object error: a machine-readable reason (condition reason, Event reason) and a message for humans. */
public record Problem(String reason, String message) {
  public static final String VPG_NOT_FOUND = "VPGNotFound";
  public static final String POOL_OUTSIDE_DEVICE_SUBNET = "PoolOutsideDeviceSubnet";
  public static final String POOL_OVERLAP = "PoolOverlap";
  public static final String CIDR_OUTSIDE_DEVICE_SUBNET = "CIDROutsideDeviceSubnet";
  public static final String CIDR_OVERLAP = "CIDROverlap";
  public static final String NAMESPACE_NOT_ALLOWED = "NamespaceNotAllowed";
  public static final String INVALID_SPEC = "InvalidSpec";
  /** spec.devices holds a name or an address twice, or an address outside spec.cidrs ({@link DeviceChecks}). */
  public static final String INVALID_DEVICES = "InvalidDevices";
  public static final String AGENT_IMAGE_NOT_ALLOWED = "AgentImageNotAllowed";
  /** A CIDR (or the VPG's deviceSubnet) overlaps a pod or Service range of the cluster. */
  public static final String CLUSTER_RANGE_OVERLAP = "ClusterRangeOverlap";
  public static final String ROUTE_LIMIT_EXCEEDED = "RouteLimitExceeded";
  /** Another DeviceSubnet of the VPG already exposes a Service on the same inner port and protocol. */
  public static final String EXPOSED_PORT_CONFLICT = "ExposedPortConflict";
  /** The VPG's range ledger would outgrow a ConfigMap. */
  public static final String LEDGER_FULL = "LedgerFull";
  public static final String AGENT_CONFIG_TOO_LARGE = "AgentConfigTooLarge";
  /** A GatePeer selects more nodes than its status (one object, listing every node) may hold. */
  public static final String TOO_MANY_NODES = "TooManyNodes";
  /** A DeviceSubnet's name cannot name its headless Service (one made before the CRD's rule judged it). */
  public static final String INVALID_NAME = "InvalidName";
  /** A Service the DeviceSubnet would publish under exists and is someone else's. */
  public static final String SERVICE_NAME_TAKEN = "ServiceNameTaken";
  /** A reconcile failed (an API error); retried, and again at every resync. */
  public static final String RECONCILE_ERROR = "ReconcileError";
}
