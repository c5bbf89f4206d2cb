package io.lakestream.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lakestream} command line. */
@Command(
    name = "lakestream",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Real-time event pipelines: Kafka + Flink + Iceberg from one pipeline file.",
    subcommands = {
      UpCommand.class,
      GatewayCommand.class,
      SubmitCommand.class,
      StopCommand.class,
      ValidateCommand.class,
      SqlCommand.class,
      TablesCommand.class,
      DescribeCommand.class,
      ExportCommand.class,
      MaintainCommand.class,
      BenchCommand.class,
      DetectCommand.class,
      SearchCommand.class,
      ReindexCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (for tests). */
  public static int run(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"lakestream " + (v == null ? "dev" : v)};
    }
  }
}
