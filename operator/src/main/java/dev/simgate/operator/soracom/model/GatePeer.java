package dev.simgate.operator.soracom.model;

/**
 * {@code GatePeer} (reference §7.1): a VXLAN endpoint of a VPG's Gate, either the customer's or the VPG's own.
 *
 * @param netmask format undocumented (prefix length or dotted mask); kept as the API sent it
 * @param ownedByCustomer true for the customer's peers, false for the VPG's; null when absent
 */
public record GatePeer(String outerIpAddress, String innerIpAddress, String netmask, Boolean ownedByCustomer) {
  /** A customer-managed peer. */
  public boolean isCustomerPeer() {
    return Boolean.TRUE.equals(ownedByCustomer);
  }

  /** One of the VPG's own endpoints: the VXLAN destinations a customer peer sends to. */
  public boolean isVpgPeer() {
    return Boolean.FALSE.equals(ownedByCustomer);
  }
}
