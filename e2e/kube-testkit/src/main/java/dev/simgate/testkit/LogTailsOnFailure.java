package dev.simgate.testkit;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Prints the tails of the Kubernetes process logs when a test or lifecycle method fails (the failure may be the
 * cluster's), then hands the failure back unchanged. A skipped test (failed assumption) is no failure.
 */
abstract class LogTailsOnFailure implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

  static final int TAIL_LINES = 40;

  /** The log tails of whatever runs for this context, if anything does. */
  abstract Optional<String> logTails(ExtensionContext context);

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    throw printed(context, throwable);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw printed(context, throwable);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw printed(context, throwable);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw printed(context, throwable);
  }

  @Override
  public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw printed(context, throwable);
  }

  private Throwable printed(ExtensionContext context, Throwable throwable) {
    if (!(throwable instanceof TestAbortedException)) {
      logTails(context).ifPresent(tails -> System.err.printf(
          "%s failed (%s); Kubernetes process logs:%n%s", context.getDisplayName(), throwable, tails));
    }
    return throwable;
  }
}
