package io.lakestream.source.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The module's class path carries no Connect REST stack (Jetty 12, Jersey, JAX-RS, swagger), which
 * would clash with Javalin's Jetty 11 in the application; the ITs show the engine runs without it.
 */
class ClassPathTest {

  @Test
  void connectRestStackIsExcluded() {
    assertThat(
            present(
                "org.eclipse.jetty.server.Server",
                "org.eclipse.jetty.ee10.servlet.ServletContextHandler",
                "org.eclipse.jetty.client.HttpClient",
                "org.glassfish.jersey.server.ResourceConfig",
                "org.glassfish.hk2.api.ServiceLocator",
                "jakarta.ws.rs.core.Response",
                "jakarta.servlet.Servlet",
                "com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider",
                "io.swagger.v3.oas.annotations.Operation",
                "org.jose4j.jwt.JwtClaims",
                "io.github.classgraph.ClassGraph",
                "javax.xml.bind.JAXB"))
        .isEmpty();
  }

  @Test
  void whatTheEngineNeedsIsThere() {
    assertThat(
            present(
                "org.apache.kafka.connect.runtime.WorkerConfig",
                "org.apache.kafka.connect.storage.MemoryOffsetBackingStore",
                "io.debezium.embedded.async.AsyncEmbeddedEngine",
                "io.debezium.connector.postgresql.PostgresConnector",
                "org.postgresql.Driver"))
        .hasSize(5);
  }

  private static java.util.List<String> present(String... classes) {
    return java.util.Arrays.stream(classes)
        .filter(
            c -> {
              try {
                Class.forName(c, false, ClassPathTest.class.getClassLoader());
                return true;
              } catch (ClassNotFoundException e) {
                return false;
              }
            })
        .toList();
  }
}
