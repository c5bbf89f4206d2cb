package io.lakestream.source.cdc;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 15 server from the Debian package, in a temporary folder on a free loopback
 * port, for integration tests.
 *
 * <p>Needs {@code postgresql-15} (server binaries under {@code /usr/lib/postgresql/15/bin}, or
 * {@code PG_BIN}) and {@code postgresql-client} ({@code psql}). PostgreSQL refuses to run as root:
 * when the tests run as root the server runs as the {@code postgres} user (created by the Debian
 * package; {@code PG_USER} overrides), switched to with util-linux {@code setpriv}. The data folder
 * is created with {@code fsync=off}: nothing here needs to survive a power loss, and the server
 * starts in well under a second.
 */
public final class PostgresServer implements AutoCloseable {

  private static final Path BIN =
      Path.of(System.getenv().getOrDefault("PG_BIN", "/usr/lib/postgresql/15/bin"));
  private static final String PSQL = System.getenv().getOrDefault("PSQL", "/usr/bin/psql");

  private final Path dir;
  private final Path data;
  private final int port;
  private final String runAs;
  private final List<String> settings;
  private Process process;

  private PostgresServer(Path dir, int port, String runAs, List<String> settings) {
    this.dir = dir;
    this.data = dir.resolve("data");
    this.port = port;
    this.runAs = runAs;
    this.settings = settings;
  }

  /** A server with {@code wal_level=logical}, ready for connections. */
  public static PostgresServer start() throws Exception {
    return start("logical");
  }

  /** A server with the given {@code wal_level}, ready for connections. */
  public static PostgresServer start(String walLevel) throws Exception {
    if (!Files.isExecutable(BIN.resolve("postgres"))) {
      throw new IllegalStateException(
          "PostgreSQL server not found in "
              + BIN
              + ": install it (apt-get install postgresql-15) or set PG_BIN");
    }
    String runAs = isRoot() ? System.getenv().getOrDefault("PG_USER", "postgres") : null;
    Path dir = Files.createTempDirectory("lakestream-pg-");
    if (runAs != null) {
      UserPrincipal owner;
      try {
        owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(runAs);
      } catch (IOException e) {
        throw new IllegalStateException(
            "tests run as root, and PostgreSQL refuses root; user '"
                + runAs
                + "' does not exist to run it (the postgresql package creates 'postgres';"
                + " or set PG_USER)",
            e);
      }
      Files.setOwner(dir, owner);
    }
    List<String> settings =
        List.of(
            "listen_addresses=127.0.0.1",
            "wal_level=" + walLevel,
            "max_replication_slots=20",
            "max_wal_senders=20",
            "max_connections=100",
            "fsync=off",
            "full_page_writes=off",
            "shared_buffers=32MB",
            "unix_socket_directories=" + dir);
    PostgresServer server = new PostgresServer(dir, freePort(), runAs, settings);
    server.initdb();
    server.launch();
    return server;
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  /** A connection as the superuser {@code postgres}. */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", "");
  }

  /** Creates a database and returns its name. */
  public String createDatabase(String name) throws Exception {
    psql("postgres", "CREATE DATABASE " + name + ";");
    return name;
  }

  /**
   * Runs SQL through the real {@code psql} client, fed on standard input, so each statement is its
   * own transaction unless the script says {@code BEGIN}; returns what psql printed (unaligned,
   * tuples only).
   */
  public String psql(String database, String sql) throws Exception {
    Process p =
        new ProcessBuilder(
                PSQL,
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-U",
                "postgres",
                "-d",
                database,
                "-f",
                "-")
            .redirectErrorStream(true)
            .start();
    try (var in = p.getOutputStream()) {
      in.write(sql.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("psql failed for: " + sql + "\n" + out);
    }
    return out.trim();
  }

  /** Stops the server ({@code pg_ctl stop -m fast}) and deletes its folder. */
  @Override
  public void close() throws Exception {
    try {
      if (process != null && process.isAlive()) {
        run(
            List.of(
                BIN.resolve("pg_ctl").toString(),
                "-D",
                data.toString(),
                "-m",
                "fast",
                "-w",
                "stop"));
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      deleteTree(dir);
    }
  }

  private void initdb() throws Exception {
    run(
        List.of(
            BIN.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync"));
  }

  private void launch() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(BIN.resolve("postgres").toString());
    cmd.add("-D");
    cmd.add(data.toString());
    cmd.add("-p");
    cmd.add(Integer.toString(port));
    for (String s : settings) {
      cmd.add("-c");
      cmd.add(s);
    }
    Path log = dir.resolve("postgres.log");
    process =
        new ProcessBuilder(asUser(cmd))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException("exited");
                }
                try (Connection c = connect("postgres")) {
                  return c.isValid(2);
                }
              });
    } catch (RuntimeException e) {
      String text = Files.exists(log) ? Files.readString(log) : "(no log)";
      throw new IllegalStateException("PostgreSQL did not start:\n" + text, e);
    }
  }

  private void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(asUser(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
  }

  /** Prefixes a command so that it runs as {@code runAs}; setpriv execs, keeping the process id. */
  private List<String> asUser(List<String> command) {
    if (runAs == null) {
      return command;
    }
    List<String> all = new ArrayList<>();
    all.add("setpriv");
    all.add("--reuid=" + runAs);
    all.add("--regid=" + runAs);
    all.add("--init-groups");
    all.add("--");
    all.addAll(command);
    return all;
  }

  private static boolean isRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").start();
      String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return uid.equals("0");
    } catch (Exception e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
