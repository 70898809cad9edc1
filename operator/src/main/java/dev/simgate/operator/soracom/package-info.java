/**
 * A client for the SORACOM API operations SimGate needs: authenticate with a SAM user's auth key, read a VPG and its
 * Gate peers, register and unregister customer Gate peers, open Gate, read the VPG's IP address map, list the SIMs of
 * a group or with a tag, and read a SIM's session. {@code shared/reference/soracom-api.md} is the specification.
 *
 * <h2>Classes</h2>
 * <ul>
 *   <li>{@link dev.simgate.operator.soracom.SoracomClient}: the operations (reference §6.1-6.5, 6.8, 6.12, 6.13 a/b), typed
 *       results in {@code model} (§7; unknown fields ignored, every field optional), pagination followed to the end (§3:
 *       {@code x-soracom-next-key}, else the {@code link} header).
 *   <li>{@code SessionKeeper}: one API key and token per client (§2.1-2.3, §9): {@code auth} once, renewal with
 *       {@code generateAuthToken} at four fifths of the token's life, {@code auth} again when renewal is refused or a
 *       call meets 401 (or 403 with an {@code AUM*} code), once per call.
 *   <li>{@code CallExecutor}: one call to its end: per-attempt timeout, retries with exponential backoff and jitter on
 *       I/O errors and 5xx, none on other 4xx, 429 waited out, everything bounded by a per-call deadline.
 *   <li>{@code RateLimiter}, {@code Backoff}: pacing below the advertised {@code X-Soracom-Ratelimit-Limit} per minute
 *       (§4), a pause until {@code X-Soracom-Ratelimit-Seconds-Before-Refresh} on 429 or when nothing remains, retry waits.
 *   <li>{@code ApiErrors}: the {@code APICallErrorMessage} {@code code} and {@code message} (or the nested
 *       {@code APICallError}) into {@link dev.simgate.operator.soracom.SoracomApiException} (§5).
 *   <li>{@link dev.simgate.operator.soracom.Coverage}, {@link dev.simgate.operator.soracom.SoracomSettings}: the endpoint
 *       (§1: Japan or Global, or an override) and the timeouts, retry and pacing policies.
 * </ul>
 * Credentials and tokens never appear in logs, exception messages or {@code toString()}; text the API sends back is
 * cleaned of them before it goes into an exception. Time is injectable ({@code InstantSource} and
 * {@link dev.simgate.operator.soracom.Sleeper}). Every API call (one HTTP exchange and its retries) ends within the
 * retry policy's call deadline plus one call timeout; methods that make several calls (all pages; list, then register)
 * are bounded per call.
 *
 * <h2>What cannot be verified without a real SORACOM account, and how the client stays safe either way</h2>
 * <ul>
 *   <li>Registering an outer address that is already registered (400, or 200 with the existing peer?). The client lists
 *       the peers first and sends no POST for an identical entry; after a 400 it lists again and takes an identical entry
 *       as success. A retried POST whose first attempt was applied therefore ends well under either answer. An entry
 *       with another inner address, or a VPG peer's address, is reported ({@code GatePeerConflictException}), never
 *       replaced.
 *   <li>Unregistering one of the VPG's own peers (undocumented): never attempted; only {@code ownedByCustomer: true}
 *       entries are deleted, after listing. A 404 to the DELETE means it is gone.
 *   <li>Opening an already open Gate (undocumented): a 400 counts as success when the VPG then shows Gate open with the
 *       VNI and separator asked for.
 *   <li>What an expired or invalid token answers (401? 403 {@code AUM*}?), and whether the server keeps a token as long
 *       as asked: the client re-authenticates once on either and never loops; renewal refused (400) falls back to
 *       {@code auth}. Whether {@code generateAuthToken} revokes the old token: the new one is used at once.
 *   <li>Error codes (no catalogue), the body of a 429, {@code Retry-After}: decisions use HTTP status only; codes go to
 *       people. The rate limits per API group are unpublished: the client keeps the smallest limit any response
 *       advertised, never exceeds its own ceiling, and waits at most a minute per 429.
 *   <li>{@code GatePeer.netmask}'s format, and which session fields remain offline: kept opaque and optional.
 * </ul>
 * The mock used by the tests ({@code MockSoracomApi}, test sources) follows the reference's §10 where it is silent, and
 * lets tests choose the other plausible answer where the client must cope with both.
 *
 * <p>The operator uses this client through {@code soracom.link} (clients per Secret, refresh schedule) from
 * {@code vpg.SoracomVpgSync} (read the VPG, register the gate nodes) and {@code devicesubnet.SoracomSimSync} (SIMs by
 * name). Whatever the API answers there, the gate peers' configuration is built from the last successful read kept in
 * status, so forwarding never depends on the API; SimGate's own registrations are recorded in status before they are
 * made, so a registration whose answer was lost is still known to be SimGate's and is removed when its node leaves.
 */
package dev.simgate.operator.soracom;
