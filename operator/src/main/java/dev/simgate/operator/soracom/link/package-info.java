/**
 * The operator's side of the SORACOM client: which client a VPG uses ({@link
 * dev.simgate.operator.soracom.link.SoracomConnections}: one per Secret, coverage and endpoint, the Secret read with a
 * plain get in the operator's namespace, an endpoint override honoured only if the Secret names it), when an object may
 * call the API next ({@link dev.simgate.operator.soracom.link.RefreshSchedule}: interval, spec changes, backoff after a
 * failure), and how a failure shows in status ({@link dev.simgate.operator.soracom.link.ErrorReport}). The reconcilers'
 * SORACOM steps are {@code vpg.SoracomVpgSync} and {@code devicesubnet.SoracomSimSync}.
 */
package dev.simgate.operator.soracom.link;
