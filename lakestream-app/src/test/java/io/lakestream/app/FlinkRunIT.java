package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.app.embedded.EmbeddedLakestream;
import io.lakestream.jobs.PipelineJob;
import io.lakestream.jobs.deploy.PipelineTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar on a Flink cluster that has nothing but a Flink distribution's class path, started
 * the two ways that do not involve {@code lakestream submit}: (a) the documented {@code flink run}
 * line, run for real through Flink's own command line ({@code CliFrontend}, {@code FLINK_CONF_DIR}
 * = the cluster's configuration); (b) the way the web UI and the Kubernetes operator start a jar,
 * {@code POST /jars/upload} then {@code POST /jars/:id/run}, where the main class runs in the
 * JobManager. Each time the jar's main class registers the schema, creates the topics and tables
 * and starts the job; posted events reach the curated table exactly once.
 */
class FlinkRunIT {

  private static final String MAIN = "io.lakestream.jobs.deploy.LakestreamJob";

  @TempDir Path dir;

  @Test
  void theJobJarRunsWithFlinkRunAndThroughTheRestApi() throws Exception {
    PipelineConfig file = FlinkTestCluster.writePipeline(dir, "frun", 3, "sensors");
    Path data = dir.resolve("data");
    Path jar = FlinkTestCluster.jobJar();

    Path logs = Path.of("target", "flink-run-it");
    try (FlinkTestCluster flink = FlinkTestCluster.start(dir, logs, 1, 2);
        TestStack stack = FlinkTestCluster.stack(file, dir)) {
      Path cluster = FlinkTestCluster.writeClusterPipeline(dir, stack.ls.kafkaBootstrap());

      // (a) flink run -d -m host:port -p 1 lakestream-job.jar --pipeline ... --data-dir ...
      awaitRestUp(flink);
      Path cliLog = logs.resolve("flink-run.log");
      int code =
          flink.flinkCli(
              cliLog,
              "run",
              "-d",
              "-m",
              "127.0.0.1:" + flink.restPort(),
              "-p",
              "1",
              jar.toString(),
              "--pipeline",
              cluster.toString(),
              "--data-dir",
              data.toString());
      assertThat(code).as("flink run; its output:%n%s", Files.readString(cliLog)).isZero();
      JobClient first = running(flink);
      // -p 1 wins over the pipeline file's parallelism 3
      JsonNode job = FlinkTestCluster.get(flink.restUrl() + "/jobs/" + first.getJobID());
      assertThat(job.get("name").asText()).isEqualTo("lakestream-frun");
      for (JsonNode v : job.get("vertices")) {
        assertThat(v.get("parallelism").asInt()).as(v.get("name").asText()).isEqualTo(1);
      }
      List<String> ids = postAndAwait(stack, 0, 200);
      cancel(first, stack);

      // (b) POST /jars/upload, POST /jars/:id/run: the main class runs in the JobManager.
      String id = upload(flink, jar);
      JsonNode run =
          TestStack.JSON.readTree(
              post(
                  flink.restUrl() + "/jars/" + id + "/run",
                  TestStack.JSON
                      .createObjectNode()
                      .put("entryClass", MAIN)
                      .put("parallelism", 2)
                      .set(
                          "programArgsList",
                          TestStack.JSON
                              .createArrayNode()
                              .add("--pipeline")
                              .add(cluster.toString())
                              .add("--data-dir")
                              .add(data.toString()))
                      .toString()));
      assertThat(run.has("jobid"))
          .as("run: %s; jobmanager log:%n%s", run, flink.jobManagerLog())
          .isTrue();
      JobClient second = running(flink);
      assertThat(second.getJobID().toString()).isEqualTo(run.get("jobid").asText());
      // The request's parallelism (Flink sets one for every REST run: the request's, else the
      // JobManager's parallelism.default, else 1).
      job = FlinkTestCluster.get(flink.restUrl() + "/jobs/" + second.getJobID());
      assertThat(job.get("vertices").get(0).get("parallelism").asInt()).isEqualTo(2);
      ids.addAll(postAndAwait(stack, 200, 400));
      assertThat(new HashSet<>(stack.column("SELECT id FROM curated.sensors"))).containsAll(ids);
      assertThat(stack.count("SELECT count(*) FROM curated.sensors")).isEqualTo(400);
      cancel(second, stack);
    }
  }

  /** The JobManager answers REST requests (the command line gives up quickly otherwise). */
  private static void awaitRestUp(FlinkTestCluster flink) {
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(
            () ->
                FlinkTestCluster.get(flink.restUrl() + "/taskmanagers").get("taskmanagers").size()
                    == 1);
  }

  private static JobClient running(FlinkTestCluster flink) throws Exception {
    JobClient job = flink.job();
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> job.getJobStatus().get(10, TimeUnit.SECONDS) == JobStatus.RUNNING);
    return job;
  }

  /** Posts events {@code from} to {@code to - 1}; waits until the curated table has {@code to}. */
  private static List<String> postAndAwait(TestStack stack, int from, int to) {
    List<String> ids = FlinkTestCluster.postSensors(stack, "r-", from, to);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> stack.count("SELECT count(*) FROM curated.sensors") >= to);
    assertThat(stack.count("SELECT count(*) - count(DISTINCT id) FROM curated.sensors")).isZero();
    assertThat(stack.count("SELECT count(*) FROM curated.sensors")).isEqualTo(to);
    return ids;
  }

  /**
   * Cancels the job once it has committed its Kafka offsets up to the end of the raw topic, so the
   * next job of the same consumer group starts after what this one curated. (An idle source commits
   * the offsets of a completed checkpoint when its next poll returns, up to seconds later.)
   */
  private static void cancel(JobClient job, TestStack stack) throws Exception {
    PipelineConfig cfg = stack.ls.pipeline();
    try (Admin admin = PipelineTopics.admin(cfg)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                var committed =
                    admin
                        .listConsumerGroupOffsets(PipelineJob.consumerGroup(cfg))
                        .partitionsToOffsetAndMetadata()
                        .get(10, TimeUnit.SECONDS);
                return EmbeddedLakestream.endOffsets(admin, cfg.rawTopic()).entrySet().stream()
                    .allMatch(
                        e ->
                            e.getValue().offset() == 0
                                || (committed.get(e.getKey()) != null
                                    && committed.get(e.getKey()).offset()
                                        >= e.getValue().offset()));
              });
    }
    job.cancel().get(60, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState());
  }

  /** {@code POST /jars/upload} as a multipart form; answers the jar's id. */
  private static String upload(FlinkTestCluster flink, Path jar) throws Exception {
    String boundary = "lakestream-" + System.nanoTime();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(flink.restUrl() + "/jars/upload"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(
                        HttpRequest.BodyPublishers.concat(
                            HttpRequest.BodyPublishers.ofByteArray(head),
                            HttpRequest.BodyPublishers.ofFile(jar),
                            HttpRequest.BodyPublishers.ofByteArray(tail)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode body = TestStack.JSON.readTree(r.body());
    assertThat(body.path("status").asText()).as("upload: %s", r.body()).isEqualTo("success");
    return Path.of(body.get("filename").asText()).getFileName().toString();
  }

  private static String post(String url, String json) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(3))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
