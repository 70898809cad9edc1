package dev.simgate.operator.soracom;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;

/** One HTTP answer, whole. */
record ApiResponse(int status, HttpHeaders headers, byte[] body) {
  boolean isSuccess() {
    return status >= 200 && status < 300;
  }

  Optional<String> header(String name) {
    return headers.firstValue(name);
  }

  /** The body as JSON of the given type; an unreadable body fails the call as transient (a proxy may have answered). */
  <T> T json(String operation, TypeReference<T> type) {
    try {
      T value = Json.MAPPER.readValue(body, type);
      if (value == null) {
        throw new IOException("empty body");
      }
      return value;
    } catch (IOException e) {
      throw new SoracomException(operation, "SORACOM " + operation + " answered HTTP " + status
          + " with a body that is not the expected JSON (" + e.getClass().getSimpleName() + ")", true, null);
    }
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return "ApiResponse[" + status + ", " + body.length + " bytes]";
  }
}
