package dev.simgate.operator.soracom.model;

/** {@code SimplifiedSubscriber} (reference §7.8): one IMSI of a SIM profile. */
public record SimplifiedSubscriber(String imsi, String msisdn, String subscription, String status) {}
