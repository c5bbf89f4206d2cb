package io.lakestream.registry.compat.internal;

/** JSON pointer helpers (RFC 6901). */
final class JsonPointers {
  private JsonPointers() {}

  static String child(String pointer, String token) {
    return pointer + "/" + token.replace("~", "~0").replace("/", "~1");
  }

  static String display(String pointer) {
    return pointer.isEmpty() ? "/" : pointer;
  }
}
