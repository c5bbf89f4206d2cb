package io.lakestream.registry;

/**
 * The schema log could not be written or read: 500 with error code 50001 (storage error) or 50002
 * (timeout). The registry's in-memory state is untouched by a failed write, so it keeps working
 * once the storage is back.
 */
public class RegistryStorageException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** Error code of a storage failure. */
  public static final int STORE_ERROR = 50001;

  /** Error code of a storage timeout. */
  public static final int TIMEOUT = 50002;

  /** Creates a storage failure (50001). */
  public RegistryStorageException(String message, Throwable cause) {
    super(500, STORE_ERROR, message, cause);
  }

  /** Creates a storage failure with an explicit code ({@link #STORE_ERROR} or {@link #TIMEOUT}). */
  public RegistryStorageException(int errorCode, String message, Throwable cause) {
    super(500, errorCode, message, cause);
  }

  /** Whether the failure was a timeout. */
  public boolean isTimeout() {
    return errorCode() == TIMEOUT;
  }
}
