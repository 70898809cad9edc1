package dev.simgate.operator.soracom;

/**
 * Which page to ask for.
 *
 * @param limit page size asked for; the API may answer fewer (null: the API's default)
 * @param lastEvaluatedKey the previous page's {@code nextKey} (null: first page)
 */
public record PageRequest(Integer limit, String lastEvaluatedKey) {
  public PageRequest {
    if (limit != null && limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
  }

  public static PageRequest first(int limit) {
    return new PageRequest(limit, null);
  }

  public PageRequest after(String nextKey) {
    return new PageRequest(limit, nextKey);
  }
}
