package io.lakestream.registry;

/**
 * Base of the registry's failures: carries the Confluent Schema Registry {@code error_code} and the
 * HTTP status it is answered with, so a REST layer can turn any of them into {@code {"error_code":
 * ..., "message": ...}} without knowing the subclass.
 *
 * <p>Besides the subclasses, the registry raises it directly for the rarer Confluent codes: 40404
 * (subject soft-deleted), 40405 (subject not soft-deleted before a permanent delete), 40406
 * (version soft-deleted), 40407 (version not soft-deleted before a permanent delete), 40408 (no
 * subject-level compatibility), 42202 (invalid version), 42203 (invalid compatibility level), 42208
 * (invalid subject name).
 */
public class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A subject was soft-deleted (404). */
  public static final int SUBJECT_SOFT_DELETED = 40404;

  /** A permanent subject delete without a prior soft delete (404). */
  public static final int SUBJECT_NOT_SOFT_DELETED = 40405;

  /** A version was soft-deleted (404). */
  public static final int VERSION_SOFT_DELETED = 40406;

  /** A permanent version delete without a prior soft delete (404). */
  public static final int VERSION_NOT_SOFT_DELETED = 40407;

  /** The subject has no subject-level compatibility (404). */
  public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;

  /** An invalid schema or request field (422). */
  public static final int INVALID_SCHEMA = 42201;

  /** An invalid version (422). */
  public static final int INVALID_VERSION = 42202;

  /** An invalid compatibility level (422). */
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

  /** An invalid subject name (422). */
  public static final int INVALID_SUBJECT = 42208;

  private final int httpStatus;
  private final int errorCode;

  /** Creates an exception answered with {@code httpStatus} and {@code errorCode}. */
  public RegistryException(int httpStatus, int errorCode, String message) {
    super(message);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /** Creates an exception answered with {@code httpStatus} and {@code errorCode}, with a cause. */
  public RegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /** The HTTP status to answer with. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The Confluent {@code error_code}. */
  public int errorCode() {
    return errorCode;
  }
}
