/** SimGate custom resources, group {@code simgate.dev}, version {@code v1alpha1}. */
package dev.simgate.operator.api.v1alpha1;
