package dev.simgate.operator.api.v1alpha1;

/** CEL expressions shared by the resources; Kubernetes 1.31+ provides isIP/isCIDR/cidr()/ip(). */
final class Rules {
  static final String IPV4_CIDR = "isCIDR(self) && cidr(self).ip().family() == 4";
  static final String IPV4_ADDRESS = "isIP(self) && ip(self).family() == 4";
  /** An IPv4 address in dotted decimal (0-255 each, no leading zeros): a regular expression, far cheaper than CEL. */
  static final String DOTTED_QUAD = "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$";
  static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  /** A Service name (RFC 1035 label: starts with a letter). */
  static final String DNS_1035_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
  static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
  static final String HTTP_URL = "isURL(self) && url(self).getScheme() in ['http', 'https'] && url(self).getHostname() != ''";
  /** A Go duration (CEL's duration()) between 5 s, which tests use, and a day. */
  static final String REFRESH_INTERVAL = "self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) >= duration('5s')"
      + " && duration(self) <= duration('24h')";
  static final String REFRESH_INTERVAL_MESSAGE = "refreshInterval must be a duration from 5s to 24h such as 5m";

  private Rules() {}
}
