package io.lakestream.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.app.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The deployment examples under {@code examples/deploy} (a Flink Kubernetes Operator deployment, a
 * Docker Compose stack), checked statically so they cannot rot unnoticed: nothing here starts a
 * container or talks to Kubernetes (neither is available where the tests run).
 *
 * <p>What is checked: every YAML document parses; the FlinkDeployment names the Flink version the
 * build uses, the job jar the job module builds, its real main class and the mounted pipeline file;
 * the images use the same Flink and Kafka versions; the cluster pipeline files load with the schema
 * files and reference tables mounted beside them, with the secrets they name, and differ from the
 * bundled example only in their kafka, gateway and lake blocks; every {@code lakestream} command
 * line parses with the real command line and names a mounted pipeline file; the compose brokers are
 * three with replication factor 3 and {@code min.insync.replicas=2}; published ports are on the
 * host's loopback.
 */
class DeploymentExamplesTest {

  /** The source checkout (tests run in lakestream-app). */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static final Path DEPLOY = ROOT.resolve("examples/deploy");
  private static final Path K8S = DEPLOY.resolve("kubernetes");
  private static final Path COMPOSE = DEPLOY.resolve("compose");
  private static final Path EXAMPLE = ROOT.resolve("examples/iot/pipeline.yaml");

  /** The pipeline's main class in the job jar. */
  private static final String JOB_MAIN_CLASS = "io.lakestream.jobs.deploy.LakestreamJob";

  /** Where the shaded job jar is built, relative to the checkout. */
  private static final String JOB_JAR_BUILT = "lakestream-flink-job/target/lakestream-job.jar";

  /** The top-level blocks a cluster pipeline may change against the bundled example. */
  private static final Set<String> CLUSTER_BLOCKS = Set.of("kafka", "gateway", "lake");

  /** Values for the secrets the pipeline files name (a token must have 16+ characters). */
  private static final Map<String, String> SECRETS =
      Map.of(
          "LAKE_DB_PASSWORD", "catalog-secret-for-the-test",
          "LAKESTREAM_TOKEN", "0123456789abcdef0123456789abcdef");

  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");

  // ------------------------------------------------------------------------------ all YAML

  @Test
  void everyYamlDocumentOfTheExamplesParses() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(DEPLOY)) {
      files =
          s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList();
    }
    assertThat(files)
        .as("YAML files under " + DEPLOY)
        .contains(
            K8S.resolve("flink-deployment.yaml"),
            K8S.resolve("pipeline-configmap.yaml"),
            K8S.resolve("gateway.yaml"),
            K8S.resolve("shared-pvc.yaml"),
            COMPOSE.resolve("compose.yaml"),
            COMPOSE.resolve("pipeline.yaml"));
    for (Path f : files) {
      List<Object> docs = documents(f);
      assertThat(docs).as(f + ": no YAML document").isNotEmpty();
      for (Object d : docs) {
        assertThat(d).as(f + ": a document is empty or not a mapping").isInstanceOf(Map.class);
        if (f.startsWith(K8S)) {
          assertThat(map(d)).as(f + ": a Kubernetes object").containsKeys("apiVersion", "kind");
        }
      }
    }
    // The pipeline file held as text in the ConfigMap is YAML too.
    assertThat(yaml().load(k8sPipelineText()) instanceof Map<?, ?>).isTrue();
  }

  // ------------------------------------------------------------------------------ Kubernetes

  @Test
  void theFlinkDeploymentRunsTheJobJarOfThisBuildOnTheFlinkVersionOfThisBuild(@TempDir Path dir)
      throws Exception {
    Map<String, Object> fd = single(K8S.resolve("flink-deployment.yaml"), "FlinkDeployment");
    assertThat(fd.get("apiVersion")).isEqualTo("flink.apache.org/v1beta1");
    Map<String, Object> spec = map(fd.get("spec"));

    String flink = EnvironmentInformation.getVersion();
    assertThat(flink).as("Flink version on the class path").matches("\\d+\\.\\d+\\.\\d+");
    String[] v = flink.split("\\.");
    assertThat(spec.get("flinkVersion")).isEqualTo("v" + v[0] + "_" + v[1]);

    // The image is the one the Dockerfile of this folder builds, from the same Flink release.
    Path dockerfile = K8S.resolve("Dockerfile");
    assertThat(from(dockerfile)).isEqualTo("flink:" + flink + "-java17");
    assertThat(read(dockerfile) + read(K8S.resolve("README.md")))
        .contains("-t " + spec.get("image") + " ");

    Map<String, Object> job = map(spec.get("job"));
    String jarUri = (String) job.get("jarURI");
    assertThat(jarUri).startsWith("local:///").endsWith("/lakestream-job.jar");
    // ...which the Dockerfile copies from where the job module builds it.
    assertThat(read(dockerfile))
        .containsPattern(
            "(?m)^COPY (--chown=\\S+ )?"
                + Pattern.quote(JOB_JAR_BUILT)
                + " "
                + Pattern.quote(URI.create(jarUri).getPath())
                + "$");
    assertThat(read(ROOT.resolve("lakestream-flink-job/pom.xml")))
        .contains("<outputFile>${project.build.directory}/lakestream-job.jar</outputFile>");

    assertThat(job.get("entryClass")).isEqualTo(JOB_MAIN_CLASS);
    Class<?> main = Class.forName((String) job.get("entryClass"));
    Method m = main.getMethod("main", String[].class);
    assertThat(Modifier.isStatic(m.getModifiers())).as("static main").isTrue();

    // --pipeline names the file the ConfigMap puts in the Flink pods.
    Map<String, Object> pod = map(spec.get("podTemplate"));
    Map<String, Object> container = container(pod, "flink-main-container");
    Map<String, String> mounted = k8sMountedFiles(pod, container);
    assertThat(job.get("args")).isInstanceOf(List.class);
    List<String> args = strings(job.get("args"));
    assertThat(args).hasSize(2).startsWith("--pipeline");
    assertThat(mounted).containsKey(args.get(1));
    assertThat(mounted.get(args.get(1))).isEqualTo("configmap:lakestream-pipeline");

    assertThat(job.get("upgradeMode")).isEqualTo("savepoint");
    assertThat(job.get("state")).isEqualTo("running");

    // Checkpoints, savepoints and HA metadata on the shared volume, a restart strategy.
    Map<String, String> conf = stringMap(spec.get("flinkConfiguration"));
    String shared = mountPathOfClaim(pod, container, "lakestream-shared");
    for (String key :
        List.of(
            "execution.checkpointing.dir",
            "execution.checkpointing.savepoint-dir",
            "high-availability.storageDir")) {
      assertThat(conf.get(key)).as(key).startsWith("file://" + shared + "/");
    }
    assertThat(conf.get("high-availability.type")).isEqualTo("kubernetes");
    for (String k : conf.keySet()) {
      // Flink 2's config.yaml nests dotted keys: a key cannot be a prefix of another.
      assertThat(conf.keySet()).noneMatch(other -> other.startsWith(k + "."));
    }
    assertThat(conf).containsKey("restart-strategy.type");

    // Parallelism: within the raw topic's partitions; the operator asks for enough slots.
    int parallelism = (Integer) job.get("parallelism");
    int slots = Integer.parseInt(conf.get("taskmanager.numberOfTaskSlots"));
    assertThat(parallelism).isPositive();
    assertThat(slots).isPositive();
    PipelineConfig cfg = loadK8sPipeline(dir);
    assertThat(cfg.kafka().partitions()).isGreaterThanOrEqualTo(parallelism);

    for (String part : List.of("jobManager", "taskManager")) {
      Map<String, Object> resource = map(map(spec.get(part)).get("resource"));
      assertThat(resource).as(part).containsKeys("memory", "cpu");
    }
  }

  @Test
  void theKubernetesPipelineLoadsAndDiffersFromTheExampleOnlyInItsClusterBlocks(@TempDir Path dir)
      throws IOException {
    PipelineConfig cfg = loadK8sPipeline(dir);
    assertClusterPipeline(cfg, "/shared");
    assertSameAsTheExample(yaml().load(k8sPipelineText()), cfg);
    // The pods have the secrets the file names.
    Set<String> env = new HashSet<>();
    Map<String, Object> fd = single(K8S.resolve("flink-deployment.yaml"), "FlinkDeployment");
    Map<String, Object> pod = map(map(fd.get("spec")).get("podTemplate"));
    env.addAll(envNames(container(pod, "flink-main-container")));
    assertThat(env).containsAll(requiredPlaceholders(k8sPipelineText()));
    Map<String, Object> gwPod = gatewayPod();
    assertThat(envNames(container(gwPod, "gateway")))
        .containsAll(requiredPlaceholders(k8sPipelineText()));
    // ...from the Secret README.md creates.
    String readme = read(K8S.resolve("README.md"));
    for (Map<String, Object> ref : secretRefs(fd)) {
      assertThat(ref.get("name")).isEqualTo("lakestream");
      assertThat(readme).contains("--from-literal=" + ref.get("key") + "=");
    }
  }

  @Test
  void theGatewayDeploymentRunsTwoNodesWithTheirOwnDataDirectoriesBehindItsService()
      throws IOException {
    List<Object> docs = documents(K8S.resolve("gateway.yaml"));
    Map<String, Object> deployment = ofKind(docs, "Deployment");
    Map<String, Object> service = ofKind(docs, "Service");
    Map<String, Object> spec = map(deployment.get("spec"));
    assertThat(spec.get("replicas")).isEqualTo(2);
    Map<String, Object> pod = gatewayPod();
    Map<String, Object> container = container(pod, "gateway");

    // The image is the Lakestream image the compose Dockerfile builds.
    assertThat(read(COMPOSE.resolve("Dockerfile"))).contains("-t " + container.get("image") + " ");

    List<String> args = strings(container.get("args"));
    ParseResult parsed = parse(args);
    assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("gateway");
    Map<String, String> mounted = k8sMountedFiles(pod, container);
    assertThat(mounted).containsKey(option(parsed, "--pipeline"));
    // --data-dir on an emptyDir: each pod its own.
    String dataDir = option(parsed, "--data-dir");
    String volume = volumeMountedAt(container, dataDir);
    assertThat(volumeNamed(pod, volume)).containsKey("emptyDir");
    int port = Integer.parseInt(option(parsed, "--port"));
    List<Map<String, Object>> ports = maps(container.get("ports"));
    assertThat(ports).extracting(p -> p.get("containerPort")).containsExactly(port);

    Map<String, Object> labels = map(map(map(spec.get("template")).get("metadata")).get("labels"));
    Map<String, Object> svcSpec = map(service.get("spec"));
    assertThat(labels).containsAllEntriesOf(map(svcSpec.get("selector")));
    assertThat(map(spec.get("selector")).get("matchLabels")).isEqualTo(svcSpec.get("selector"));
    assertThat(maps(svcSpec.get("ports")))
        .extracting(p -> p.get("targetPort"))
        .containsExactly(ports.get(0).get("name"));
  }

  // ------------------------------------------------------------------------------ compose

  @Test
  void theComposePipelineLoadsAndDiffersFromTheExampleOnlyInItsClusterBlocks(@TempDir Path dir)
      throws IOException {
    Map<String, Object> services = composeServices();
    for (String name : List.of("gateway-1", "gateway-2", "submit", "jobmanager")) {
      Map<String, Object> service = map(services.get(name));
      PipelineConfig cfg = loadComposePipeline(service, dir.resolve(name));
      assertClusterPipeline(cfg, "/shared");
      assertSameAsTheExample(documents(COMPOSE.resolve("pipeline.yaml")).get(0), cfg);
    }
    String text = read(COMPOSE.resolve("pipeline.yaml"));
    for (String name : List.of("gateway-1", "gateway-2", "submit", "cli")) {
      assertThat(stringMap(map(services.get(name)).get("environment")).keySet())
          .as(name + " has the secrets the pipeline file names")
          .containsAll(requiredPlaceholders(text));
    }
    // The bootstrap servers are the brokers' advertised listeners.
    Set<String> advertised = new TreeSet<>();
    for (Map<String, Object> broker : kafkaBrokers().values()) {
      advertised.add(
          stringMap(broker.get("environment"))
              .get("KAFKA_ADVERTISED_LISTENERS")
              .replace("PLAINTEXT://", ""));
    }
    PipelineConfig cfg = loadComposePipeline(map(services.get("gateway-1")), dir.resolve("again"));
    assertThat(new TreeSet<>(List.of(cfg.kafka().bootstrapServers().split(","))))
        .isEqualTo(advertised);
  }

  @Test
  void theComposeKafkaIsThreeBrokersWithReplicationFactorThreeAndMinIsrTwo() {
    Map<String, Map<String, Object>> brokers = kafkaBrokers();
    assertThat(brokers).hasSize(3);
    Set<String> nodeIds = new HashSet<>();
    Set<String> voters = new HashSet<>();
    Set<String> clusterIds = new HashSet<>();
    for (var e : brokers.entrySet()) {
      Map<String, Object> broker = e.getValue();
      assertThat(broker.get("image")).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
      Map<String, String> env = stringMap(broker.get("environment"));
      assertThat(env)
          .as(e.getKey())
          .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
          .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
          .containsEntry("KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE", "false")
          .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2");
      nodeIds.add(env.get("KAFKA_NODE_ID"));
      voters.add(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
      clusterIds.add(env.get("CLUSTER_ID"));
      assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).contains("//" + e.getKey() + ":");
      // Each broker keeps its log on its own volume.
      assertThat(strings(broker.get("volumes")))
          .anyMatch(vol -> vol.endsWith(":" + env.get("KAFKA_LOG_DIRS")));
    }
    assertThat(nodeIds).hasSize(3);
    assertThat(voters).hasSize(1);
    String quorum = voters.iterator().next();
    for (var e : brokers.entrySet()) {
      String id = stringMap(e.getValue().get("environment")).get("KAFKA_NODE_ID");
      assertThat(quorum).contains(id + "@" + e.getKey() + ":");
    }
    assertThat(clusterIds).hasSize(1);
    assertThat(Base64.getUrlDecoder().decode(clusterIds.iterator().next()))
        .as("CLUSTER_ID: 16 bytes, base64")
        .hasSize(16);
  }

  @Test
  void theComposeFlinkIsAJobManagerAndTwoTaskManagersOfThisBuildsFlinkVersion() {
    String image = "flink:" + EnvironmentInformation.getVersion() + "-java17";
    Map<String, Object> services = composeServices();
    List<String> taskManagers = new ArrayList<>();
    for (var e : services.entrySet()) {
      Map<String, Object> s = map(e.getValue());
      String img = String.valueOf(s.get("image"));
      if (img.startsWith("flink:")) {
        assertThat(img).as(e.getKey()).isEqualTo(image);
      }
      if ("taskmanager".equals(s.get("command"))) {
        taskManagers.add(e.getKey());
      }
    }
    assertThat(taskManagers).hasSize(2);
    Map<String, Object> jm = map(services.get("jobmanager"));
    assertThat(jm.get("command")).isEqualTo("jobmanager");
    for (String name : concat(List.of("jobmanager"), taskManagers)) {
      Map<String, Object> s = map(services.get(name));
      Map<String, Object> props =
          map(yaml().load(stringMap(s.get("environment")).get("FLINK_PROPERTIES")));
      assertThat(props.get("jobmanager.rpc.address")).isEqualTo("jobmanager");
      assertThat(String.valueOf(props.get("execution.checkpointing.dir")))
          .startsWith("file:///shared/");
      assertThat(String.valueOf(props.get("execution.checkpointing.savepoint-dir")))
          .startsWith("file:///shared/");
      assertThat(props).containsKey("restart-strategy.type");
      assertThat(strings(s.get("volumes"))).contains("shared:/shared");
      // The image's entry point turns every line into a property (a comment too) and nests the
      // dotted keys into config.yaml, which breaks when one key is a prefix of another.
      String text = stringMap(s.get("environment")).get("FLINK_PROPERTIES");
      assertThat(text.lines()).noneMatch(l -> l.strip().startsWith("#"));
      for (String k : props.keySet()) {
        assertThat(props.keySet()).noneMatch(other -> other.startsWith(k + "."));
      }
    }
  }

  @Test
  void everyComposeLakestreamCommandLineParsesWithAMountedPipelineFile(@TempDir Path dir)
      throws IOException {
    Map<String, Object> services = composeServices();
    int gateways = 0;
    int submits = 0;
    Set<String> gatewayVolumes = new HashSet<>();
    String jobJarInImage = null;
    for (String line : read(COMPOSE.resolve("Dockerfile")).split("\n")) {
      if (line.startsWith("COPY " + JOB_JAR_BUILT + " ")) {
        jobJarInImage = line.substring(("COPY " + JOB_JAR_BUILT + " ").length()).strip();
      }
    }
    assertThat(jobJarInImage).as("the compose Dockerfile copies the job jar").isNotNull();
    int slots = 0;
    for (var e : services.entrySet()) {
      Map<String, Object> s = map(e.getValue());
      if ("taskmanager".equals(s.get("command"))) {
        Map<String, Object> props =
            map(yaml().load(stringMap(s.get("environment")).get("FLINK_PROPERTIES")));
        slots += (Integer) props.get("taskmanager.numberOfTaskSlots");
      }
    }
    for (var e : services.entrySet()) {
      String name = e.getKey();
      Map<String, Object> s = map(e.getValue());
      if (!String.valueOf(s.get("image")).startsWith("lakestream:")) {
        continue;
      }
      for (List<String> args : lakestreamCommandLines(s)) {
        ParseResult parsed = parse(args);
        String command = parsed.subcommand().commandSpec().name();
        String pipeline = option(parsed, "--pipeline");
        assertThat(composeMounts(s)).as(name + ": " + args).containsKey(pipeline);
        assertThat(composeMounts(s).get(pipeline)).isEqualTo(COMPOSE.resolve("pipeline.yaml"));
        switch (command) {
          case "gateway" -> {
            gateways++;
            String dataDir = option(parsed, "--data-dir");
            String volume =
                strings(s.get("volumes")).stream()
                    .filter(v -> dataDir.startsWith(v.split(":")[1]) && !v.startsWith("."))
                    .map(v -> v.split(":")[0])
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + ": no volume at " + dataDir));
            assertThat(gatewayVolumes.add(volume)).as(name + ": its own data volume").isTrue();
            assertThat(map(s.get("depends_on")).keySet())
                .as(name + " depends on Kafka")
                .containsAll(kafkaBrokers().keySet());
            String port = option(parsed, "--port");
            for (String published : strings(s.get("ports"))) {
              assertThat(published).endsWith(":" + port);
            }
          }
          case "submit" -> {
            submits++;
            URI rest = URI.create(option(parsed, "--flink-rest"));
            assertThat(services).containsKey(rest.getHost());
            assertThat(String.valueOf(map(services.get(rest.getHost())).get("command")))
                .isEqualTo("jobmanager");
            assertThat(option(parsed, "--job-jar")).isEqualTo(jobJarInImage);
            int parallelism = Integer.parseInt(option(parsed, "--parallelism"));
            assertThat(parallelism).isPositive().isLessThanOrEqualTo(slots);
            PipelineConfig cfg = loadComposePipeline(s, dir.resolve(name));
            assertThat(cfg.kafka().partitions()).isGreaterThanOrEqualTo(parallelism);
          }
          default -> fail(name + ": unexpected lakestream command " + command);
        }
      }
    }
    assertThat(gateways).isEqualTo(2);
    assertThat(submits).isEqualTo(1);
  }

  @Test
  void theCommandsTheComposeReadmeRunsInTheCliContainerParse() {
    Map<String, Object> cli = map(composeServices().get("cli"));
    String readme = read(COMPOSE.resolve("README.md")).replace("\\\n", " ");
    Matcher m = Pattern.compile("docker compose run --rm cli ([^\n`]+)").matcher(readme);
    int commands = 0;
    while (m.find()) {
      List<String> args = shellWords(m.group(1));
      ParseResult parsed = parse(args);
      assertThat(composeMounts(cli))
          .as(String.join(" ", args))
          .containsKey(option(parsed, "--pipeline"));
      commands++;
    }
    assertThat(commands).as("cli commands in README.md").isGreaterThanOrEqualTo(4);
  }

  @Test
  void composePublishesPortsOnTheHostsLoopbackOnly(@TempDir Path dir) throws IOException {
    PipelineConfig cfg = loadComposePipeline(map(composeServices().get("gateway-1")), dir);
    boolean apiKeys = !cfg.gateway().apiKeys().isEmpty();
    for (var e : composeServices().entrySet()) {
      Map<String, Object> s = map(e.getValue());
      boolean gateway =
          lakestreamCommandLines(s).stream().anyMatch(a -> a.get(0).equals("gateway"));
      for (Object p : list(s.getOrDefault("ports", List.of()))) {
        assertThat(p).as(e.getKey() + ": short port syntax").isInstanceOf(String.class);
        String published = (String) p;
        if (!(gateway && apiKeys)) {
          assertThat(published).as(e.getKey()).startsWith("127.0.0.1:");
        }
        assertThat(published.split(":")).as(e.getKey() + ": host address given").hasSize(3);
      }
    }
  }

  // ------------------------------------------------------------------------------ the checks

  private static void assertClusterPipeline(PipelineConfig cfg, String shared) {
    assertThat(cfg.kafka().embedded()).as("an external Kafka").isFalse();
    assertThat(cfg.kafka().bootstrapServers()).isNotBlank();
    assertThat(cfg.kafka().replicationFactor()).isEqualTo((short) 3);
    assertThat(cfg.kafka().partitions()).isGreaterThanOrEqualTo(cfg.parallelism());
    assertThat(cfg.lake().catalogUri()).startsWith("jdbc:postgresql://");
    assertThat(cfg.lake().catalogProperties())
        .containsEntry("jdbc.user", "lakestream")
        .containsEntry("jdbc.password", SECRETS.get("LAKE_DB_PASSWORD"));
    assertThat(cfg.lake().warehouse()).startsWith(shared + "/");
    if (!cfg.gateway().host().equals("127.0.0.1")) {
      assertThat(cfg.gateway().apiKeys())
          .as("a gateway on all addresses needs API keys")
          .isNotEmpty();
    }
  }

  /** The same sources, references, aggregations, joins and detectors, and the same YAML. */
  private static void assertSameAsTheExample(Object clusterYaml, PipelineConfig cluster)
      throws IOException {
    PipelineConfig example = loadExample();
    assertThat(cluster.name()).isEqualTo(example.name());
    assertThat(List.copyOf(cluster.sources().keySet()))
        .isEqualTo(List.copyOf(example.sources().keySet()));
    assertThat(List.copyOf(cluster.references().keySet()))
        .isEqualTo(List.copyOf(example.references().keySet()));
    assertThat(List.copyOf(cluster.aggregations().keySet()))
        .isEqualTo(List.copyOf(example.aggregations().keySet()));
    assertThat(List.copyOf(cluster.joins().keySet()))
        .isEqualTo(List.copyOf(example.joins().keySet()));
    assertThat(List.copyOf(cluster.alerting().detectors().keySet()))
        .isEqualTo(List.copyOf(example.alerting().detectors().keySet()));
    assertThat(cluster.checkpointInterval()).isEqualTo(example.checkpointInterval());

    Map<String, Object> mine = new LinkedHashMap<>(map(clusterYaml));
    Map<String, Object> theirs = new LinkedHashMap<>(map(documents(EXAMPLE).get(0)));
    mine.keySet().removeAll(CLUSTER_BLOCKS);
    theirs.keySet().removeAll(CLUSTER_BLOCKS);
    assertThat(mine)
        .as("the cluster pipeline outside its kafka, gateway and lake blocks")
        .isEqualTo(theirs);
  }

  private static PipelineConfig loadExample() {
    return PipelineLoader.load(EXAMPLE, Map.of("data_dir", "/tmp/lakestream-example-data"));
  }

  private static PipelineConfig load(Path file) {
    Map<String, String> vars = new HashMap<>(SECRETS);
    vars.put("data_dir", file.getParent().resolve("data").toString());
    return PipelineLoader.load(file, vars);
  }

  /**
   * Placeholders without a default that are not {@code data_dir}: the environment must have them.
   */
  private static Set<String> requiredPlaceholders(String pipelineText) {
    Set<String> out = new TreeSet<>();
    for (String line : pipelineText.split("\n")) {
      if (line.strip().startsWith("#")) {
        continue;
      }
      Matcher m = PLACEHOLDER.matcher(line.replaceAll("\\s#.*$", ""));
      while (m.find()) {
        if (m.group(2) == null && !m.group(1).equals("data_dir")) {
          out.add(m.group(1));
        }
      }
    }
    assertThat(SECRETS.keySet()).as("the test supplies every secret").containsAll(out);
    return out;
  }

  // ------------------------------------------------------------------------------ Kubernetes

  private static String k8sPipelineText() {
    Map<String, Object> cm = single(K8S.resolve("pipeline-configmap.yaml"), "ConfigMap");
    assertThat(map(cm.get("metadata")).get("name")).isEqualTo("lakestream-pipeline");
    return (String) map(cm.get("data")).get("pipeline.yaml");
  }

  /**
   * Lays the Flink pods' /etc/lakestream out in {@code dir} as the projected volume does: the
   * pipeline file from its ConfigMap, the schema files and reference tables from the folders
   * README.md creates their ConfigMaps from; then loads it.
   */
  private static PipelineConfig loadK8sPipeline(Path dir) throws IOException {
    Map<String, Object> fd = single(K8S.resolve("flink-deployment.yaml"), "FlinkDeployment");
    Map<String, Object> pod = map(map(fd.get("spec")).get("podTemplate"));
    Map<String, Object> container = container(pod, "flink-main-container");
    Map<String, String> mounted = k8sMountedFiles(pod, container);
    String pipelinePath = strings(map(map(fd.get("spec")).get("job")).get("args")).get(1);
    Path base = Path.of(pipelinePath).getParent();
    String readme = read(K8S.resolve("README.md"));
    for (var e : mounted.entrySet()) {
      Path target = dir.resolve(base.relativize(Path.of(e.getKey())).toString());
      Files.createDirectories(target.getParent());
      String source = e.getValue();
      if (source.equals("configmap:lakestream-pipeline")) {
        Files.writeString(target, k8sPipelineText());
      } else {
        // configmap:NAME/KEY, created by README.md's 'kubectl create configmap NAME
        // --from-file=DIR'
        String cm = source.substring("configmap:".length(), source.indexOf('/'));
        String key = source.substring(source.indexOf('/') + 1);
        Matcher m =
            Pattern.compile(
                    "kubectl (?:-n \\S+ )?create configmap "
                        + Pattern.quote(cm)
                        + " --from-file=(\\S+)")
                .matcher(readme);
        assertThat(m.find()).as("README.md creates the ConfigMap " + cm).isTrue();
        Path from = ROOT.resolve(m.group(1)).resolve(key);
        assertThat(from).as("file of ConfigMap " + cm + " key " + key).isRegularFile();
        Files.copy(from, target);
      }
    }
    // Every file the pipeline names is among them (else loading fails below).
    return load(dir.resolve(Path.of(pipelinePath).getFileName().toString()));
  }

  /**
   * The files a container sees under its projected volumes: container path → {@code configmap:NAME}
   * for the pipeline ConfigMap, {@code configmap:NAME/KEY} for the others.
   */
  private static Map<String, String> k8sMountedFiles(
      Map<String, Object> pod, Map<String, Object> container) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map<String, Object> mount : maps(container.get("volumeMounts"))) {
      Map<String, Object> volume = volumeNamed(pod, (String) mount.get("name"));
      if (!volume.containsKey("projected")) {
        continue;
      }
      for (Map<String, Object> source : maps(map(volume.get("projected")).get("sources"))) {
        Map<String, Object> cm = map(source.get("configMap"));
        String name = (String) cm.get("name");
        for (Map<String, Object> item : maps(cm.get("items"))) {
          String path = mount.get("mountPath") + "/" + item.get("path");
          out.put(
              path,
              name.equals("lakestream-pipeline")
                  ? "configmap:" + name
                  : "configmap:" + name + "/" + item.get("key"));
        }
      }
    }
    return out;
  }

  private static Map<String, Object> gatewayPod() {
    Map<String, Object> deployment = ofKind(documents(K8S.resolve("gateway.yaml")), "Deployment");
    return map(map(map(deployment.get("spec")).get("template")).get("spec"));
  }

  private static Map<String, Object> container(Map<String, Object> pod, String name) {
    Map<String, Object> spec = pod.containsKey("spec") ? map(pod.get("spec")) : pod;
    return maps(spec.get("containers")).stream()
        .filter(c -> name.equals(c.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }

  private static Map<String, Object> volumeNamed(Map<String, Object> pod, String name) {
    Map<String, Object> spec = pod.containsKey("spec") ? map(pod.get("spec")) : pod;
    return maps(spec.get("volumes")).stream()
        .filter(v -> name.equals(v.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  private static String volumeMountedAt(Map<String, Object> container, String path) {
    return maps(container.get("volumeMounts")).stream()
        .filter(m -> path.equals(m.get("mountPath")) || path.startsWith(m.get("mountPath") + "/"))
        .map(m -> (String) m.get("name"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume mounted at " + path));
  }

  private static String mountPathOfClaim(
      Map<String, Object> pod, Map<String, Object> container, String claim) {
    for (Map<String, Object> m : maps(container.get("volumeMounts"))) {
      Map<String, Object> v = volumeNamed(pod, (String) m.get("name"));
      if (v.containsKey("persistentVolumeClaim")
          && claim.equals(map(v.get("persistentVolumeClaim")).get("claimName"))) {
        return (String) m.get("mountPath");
      }
    }
    throw new AssertionError("no volume of the claim " + claim);
  }

  private static Set<String> envNames(Map<String, Object> container) {
    return maps(container.get("env")).stream()
        .map(e -> (String) e.get("name"))
        .collect(Collectors.toSet());
  }

  private static List<Map<String, Object>> secretRefs(Object node) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (node instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) {
        if ("secretKeyRef".equals(e.getKey())) {
          out.add(map(e.getValue()));
        } else {
          out.addAll(secretRefs(e.getValue()));
        }
      }
    } else if (node instanceof List<?> l) {
      l.forEach(x -> out.addAll(secretRefs(x)));
    }
    return out;
  }

  // ------------------------------------------------------------------------------ compose

  private static Map<String, Object> composeServices() {
    return map(map(documents(COMPOSE.resolve("compose.yaml")).get(0)).get("services"));
  }

  private static Map<String, Map<String, Object>> kafkaBrokers() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (var e : composeServices().entrySet()) {
      if (String.valueOf(map(e.getValue()).get("image")).startsWith("apache/kafka:")) {
        out.put(e.getKey(), map(e.getValue()));
      }
    }
    return out;
  }

  /** A service's bind mounts: container path → host path. */
  private static Map<String, Path> composeMounts(Map<String, Object> service) {
    Map<String, Path> out = new LinkedHashMap<>();
    for (String v : strings(service.getOrDefault("volumes", List.of()))) {
      String[] parts = v.split(":");
      if (parts[0].startsWith(".")) {
        out.put(parts[1], COMPOSE.resolve(parts[0]).normalize());
      }
    }
    return out;
  }

  /** Lays out what a service sees under the pipeline file's folder in {@code dir}; loads it. */
  private static PipelineConfig loadComposePipeline(Map<String, Object> service, Path dir)
      throws IOException {
    Map<String, Path> mounts = composeMounts(service);
    String pipeline =
        mounts.entrySet().stream()
            .filter(e -> e.getValue().equals(COMPOSE.resolve("pipeline.yaml")))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow(() -> new AssertionError("pipeline.yaml is not mounted"));
    Path base = Path.of(pipeline).getParent();
    for (var e : mounts.entrySet()) {
      Path inContainer = Path.of(e.getKey());
      if (!inContainer.startsWith(base)) {
        continue;
      }
      Path target = dir.resolve(base.relativize(inContainer).toString());
      assertThat(e.getValue()).as("mounted file or folder").exists();
      io.lakestream.app.TestFiles.copyTree(e.getValue(), target);
    }
    return load(dir.resolve(Path.of(pipeline).getFileName().toString()));
  }

  /**
   * The {@code lakestream} command lines of a service of the Lakestream image (its entry point).
   */
  private static List<List<String>> lakestreamCommandLines(Map<String, Object> service) {
    if (!String.valueOf(service.get("image")).startsWith("lakestream:")) {
      return List.of();
    }
    Object command = service.get("command");
    if (command == null) {
      return List.of();
    }
    if (!service.containsKey("entrypoint")) {
      return List.of(strings(command));
    }
    // A shell script: its lines that run lakestream.
    assertThat(strings(service.get("entrypoint"))).containsExactly("/bin/bash", "-c");
    List<List<String>> out = new ArrayList<>();
    for (String line : strings(command).get(0).split("\n")) {
      List<String> words = List.of(line.strip().split("\\s+"));
      int at = words.indexOf("lakestream");
      if (at >= 0) {
        assertThat(line).as("no quoting in " + line).doesNotContain("'", "\"", "$");
        out.add(words.subList(at + 1, words.size()));
      }
    }
    assertThat(out).as("a lakestream command in the script").isNotEmpty();
    return out;
  }

  // ------------------------------------------------------------------------------ the CLI
  /** Splits a shell command line: words, with "..." and '...' quoting. */
  private static List<String> shellWords(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (char c : line.strip().toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          out.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (word != null) {
      out.add(word.toString());
    }
    return out;
  }

  /** Parses a command line as {@code lakestream} does (Main.run), without running it. */
  private static ParseResult parse(List<String> args) {
    CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    ParseResult result;
    try {
      result = cli.parseArgs(args.toArray(new String[0]));
    } catch (CommandLine.ParameterException e) {
      throw new AssertionError("lakestream " + String.join(" ", args) + ": " + e.getMessage(), e);
    }
    assertThat(result.hasSubcommand()).as(String.join(" ", args)).isTrue();
    return result;
  }

  private static String option(ParseResult parsed, String name) {
    ParseResult sub = parsed.subcommand();
    assertThat(sub.hasMatchedOption(name)).as(name + " given").isTrue();
    return String.valueOf((Object) sub.matchedOptionValue(name, null));
  }

  // ------------------------------------------------------------------------------ helpers

  private static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  private static List<Object> documents(Path file) {
    List<Object> out = new ArrayList<>();
    try {
      for (Object d : yaml().loadAll(read(file))) {
        if (d != null) {
          out.add(d);
        }
      }
    } catch (RuntimeException e) {
      throw new AssertionError(file + " does not parse: " + e.getMessage(), e);
    }
    return out;
  }

  private static Map<String, Object> single(Path file, String kind) {
    return ofKind(documents(file), kind);
  }

  private static Map<String, Object> ofKind(List<Object> docs, String kind) {
    List<Map<String, Object>> found =
        docs.stream()
            .map(DeploymentExamplesTest::map)
            .filter(d -> kind.equals(d.get("kind")))
            .toList();
    assertThat(found).as("one " + kind).hasSize(1);
    return found.get(0);
  }

  private static String from(Path dockerfile) {
    return read(dockerfile)
        .lines()
        .filter(l -> l.startsWith("FROM "))
        .map(l -> l.substring(5).strip())
        .findFirst()
        .orElseThrow();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  private static List<?> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<?>) o;
  }

  private static List<Map<String, Object>> maps(Object o) {
    return list(o).stream().map(DeploymentExamplesTest::map).toList();
  }

  private static List<String> strings(Object o) {
    if (o instanceof String s) {
      return List.of(s);
    }
    return list(o).stream().map(String::valueOf).toList();
  }

  private static Map<String, String> stringMap(Object o) {
    Map<String, String> out = new LinkedHashMap<>();
    map(o).forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
