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
}
