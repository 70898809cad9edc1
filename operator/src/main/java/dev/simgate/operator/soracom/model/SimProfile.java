package dev.simgate.operator.soracom.model;

import java.util.Map;

/** {@code SimProfile} (reference §7.8): where a SIM's IMSIs live. Map keys are undocumented; read the values. */
public record SimProfile(String iccid, String primaryImsi, Boolean otaSupported, Map<String, SimplifiedSubscriber> subscribers) {}
