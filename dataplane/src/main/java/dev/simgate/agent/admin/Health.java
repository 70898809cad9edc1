package dev.simgate.agent.admin;

/** A yes or no of /healthz or /readyz, and why. */
public record Health(boolean ok, String reason) {}
