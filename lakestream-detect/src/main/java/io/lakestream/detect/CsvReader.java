package io.lakestream.detect;

import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 reader: comma-separated fields, optionally in double quotes (a quoted field may
 * hold commas, line breaks and {@code ""} for a quote), lines ending in LF, CRLF or CR, a leading
 * UTF-8 byte order mark ignored. Each record remembers the line it starts on.
 */
final class CsvReader {

  /** A quoted field runs to the end of the input. */
  static final class UnclosedQuoteException extends IOException {
    private static final long serialVersionUID = 1L;
    final long line;

    UnclosedQuoteException(long line) {
      super("line " + line + ": a quoted field is not closed");
      this.line = line;
    }
  }

  /** One record and the 1-based line it starts on. */
  record Row(long line, List<String> fields) {}

  private final PushbackReader in;
  private long line = 1;
  private boolean first = true;

  CsvReader(Reader in) {
    this.in = new PushbackReader(in, 2);
  }

  /**
   * The next record, or null at the end of the input. A line with nothing on it is skipped.
   *
   * @throws UnclosedQuoteException when a quoted field is not closed
   * @throws IOException on a read error
   */
  Row next() throws IOException {
    while (true) {
      int c = read();
      if (first) {
        first = false;
        if (c == '\uFEFF') {
          c = read();
        }
      }
      if (c == -1) {
        return null;
      }
      if (c == '\n') {
        line++;
        continue;
      }
      if (c == '\r') {
        if (peek() == '\n') {
          read();
        }
        line++;
        continue;
      }
      unread(c);
      return record();
    }
  }

  private Row record() throws IOException {
    long start = line;
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    while (true) {
      int c = read();
      if (quoted) {
        if (c == -1) {
          throw new UnclosedQuoteException(start);
        }
        if (c == '"') {
          if (peek() == '"') {
            read();
            field.append('"');
          } else {
            quoted = false;
          }
        } else {
          if (c == '\n') {
            line++;
          }
          field.append((char) c);
        }
        continue;
      }
      if (c == '"' && field.length() == 0 && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
        wasQuoted = false;
      } else if (c == '\n' || c == '\r' || c == -1) {
        if (c == '\r' && peek() == '\n') {
          read();
        }
        if (c != -1) {
          line++;
        }
        fields.add(field.toString());
        return new Row(start, fields);
      } else {
        field.append((char) c);
      }
    }
  }

  private int read() throws IOException {
    return in.read();
  }

  private int peek() throws IOException {
    int c = in.read();
    if (c != -1) {
      in.unread(c);
    }
    return c;
  }

  private void unread(int c) throws IOException {
    if (c != -1) {
      in.unread(c);
    }
  }

  /** A field as written in a CSV file: quoted when it holds a comma, quote or line break. */
  static String quote(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
