package io.lakestream.notify;

/**
 * A notification URL that {@link TargetGuard} does not let alerts go to. The message says which
 * URL, which address, which rule refused it and how to allow it.
 */
public final class TargetRefusedException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String url;
  private final String address;
  private final String rule;

  TargetRefusedException(String url, String address, String rule, String message) {
    super(message);
    this.url = url;
    this.address = address;
    this.rule = rule;
  }

  /** The refused URL, with any path, query and credentials left out. */
  public String url() {
    return url;
  }

  /** The refused address, or null when the URL itself was refused (e.g. its scheme). */
  public String address() {
    return address;
  }

  /** The rule that refused it, e.g. {@code 10.0.0.0/8 (private network, RFC 1918)}. */
  public String rule() {
    return rule;
  }
}
