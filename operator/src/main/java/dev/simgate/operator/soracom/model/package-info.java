/**
 * Typed records of the SORACOM API responses SimGate reads (reference soracom-api.md §7). Every field is optional (null
 * when absent) and unknown fields are ignored, because the API declares almost nothing required and keeps adding fields.
 */
package dev.simgate.operator.soracom.model;
