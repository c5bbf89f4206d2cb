package io.lakestream.jobs.transform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.api.config.JavaTransformConfig;
import io.lakestream.api.transform.EventTransform;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source's custom Java transforms, run in order on each event inside one Flink task.
 *
 * <p>The chain is built when the job is planned and shipped to the tasks (it is {@link
 * Serializable}; only the jar paths and the configuration travel). Each task calls {@link #open()}
 * once, which loads the jars in a class loader of its own and makes one new instance of every
 * configured entry, then {@link #apply} per event and {@link #close()} at the end. Like the
 * transforms it holds, a chain is used from one thread only.
 *
 * <pre>{@code
 * JavaTransformChain chain = new JavaTransformChain(cfg.plugins(), source.javaTransforms());
 * chain.open();
 * JavaTransformChain.Outcome out = chain.apply(payload);
 * switch (out.kind()) {
 *   case KEPT -> emit(out.payload());
 *   case DROPPED -> { }
 *   case FAILED -> toErrorZone("transform", out.reason());
 * }
 * chain.close();
 * }</pre>
 */
public final class JavaTransformChain implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(JavaTransformChain.class);

  /** Longest exception message kept in a failure reason; a reason is a column, not a log. */
  static final int MAX_MESSAGE_LENGTH = 300;

  private final List<String> pluginJars;
  private final List<JavaTransformConfig> transforms;

  private transient TransformCatalog catalog;
  private transient EventTransform[] instances;

  /**
   * A chain that is not open yet.
   *
   * @param pluginJars paths of the jars listed under {@code plugins:}; each task manager must be
   *     able to read them
   * @param transforms the source's {@code java_transforms:}, in the order they run
   */
  public JavaTransformChain(List<String> pluginJars, List<JavaTransformConfig> transforms) {
    this.pluginJars = List.copyOf(pluginJars);
    this.transforms = List.copyOf(transforms);
  }

  /** Whether the chain has no transforms, so that {@link #apply} keeps every event as it is. */
  public boolean isEmpty() {
    return transforms.isEmpty();
  }

  /**
   * Loads the plugin jars, makes one new instance per configured entry and calls its {@code
   * open(options)}, in order.
   *
   * @throws TransformPluginException when a jar or transform cannot be found or loaded, or a
   *     transform's {@code open} fails; the message is the one the job fails to start with.
   *     Whatever was made so far has been closed.
   * @throws IllegalStateException when the chain is open already
   */
  public void open() {
    if (instances != null) {
      throw new IllegalStateException("the Java transform chain is open already");
    }
    if (transforms.isEmpty()) {
      // No class loader for nothing: most sources have no Java transforms.
      instances = new EventTransform[0];
      return;
    }
    catalog = TransformCatalog.open(pluginJars);
    instances = new EventTransform[transforms.size()];
    try {
      for (int i = 0; i < instances.length; i++) {
        JavaTransformConfig config = transforms.get(i);
        instances[i] = catalog.newInstance(config.name());
        openOne(config, instances[i]);
      }
    } catch (RuntimeException | Error e) {
      // The caller may never get to close() after a failed open(); release what was made here.
      close();
      throw e;
    }
  }

  private void openOne(JavaTransformConfig config, EventTransform transform) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(catalog.loader());
    try {
      transform.open(config.options());
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      throw new TransformPluginException(
          "Java transform '"
              + config.name()
              + "' ("
              + transform.getClass().getName()
              + " from "
              + catalog.describeJars()
              + ") failed to open with options "
              + config.options()
              + ": "
              + describe(e),
          e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /**
   * Runs the transforms on one event, in order, on a copy of its payload.
   *
   * <p>The payload is handed to the transforms as a mutable map (see {@link EventTransform}); the
   * node passed in is not changed. The first transform that returns {@code false} drops the event,
   * and the first that throws fails it; the rest do not run. A bad event never makes this method
   * throw: only errors of the virtual machine itself ({@link VirtualMachineError}, {@link
   * ThreadDeath}) pass through.
   *
   * @return {@link Outcome.Kind#KEPT} with the transformed payload (the same node when the chain is
   *     empty), {@link Outcome.Kind#DROPPED} naming the transform that filtered the event, or
   *     {@link Outcome.Kind#FAILED} with a reason {@code transform <name>: <Exception>: <message>}
   * @throws IllegalStateException when the chain is not open
   */
  @SuppressWarnings("removal") // ThreadDeath is deprecated on newer JDKs but still must pass
  public Outcome apply(ObjectNode payload) {
    EventTransform[] chain = instances;
    if (chain == null) {
      throw new IllegalStateException("the Java transform chain is not open");
    }
    if (chain.length == 0) {
      return Outcome.kept(payload);
    }
    Map<String, Object> event = JsonMaps.toMap(payload);
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(catalog.loader());
    try {
      for (int i = 0; i < chain.length; i++) {
        String name = transforms.get(i).name();
        boolean keep;
        try {
          keep = chain[i].apply(event);
        } catch (VirtualMachineError | ThreadDeath e) {
          throw e;
        } catch (Throwable e) {
          if (e instanceof InterruptedException) {
            // The task is being cancelled; keep the signal for Flink after this event.
            thread.interrupt();
          }
          return Outcome.failed(name, reason(name, e));
        }
        if (!keep) {
          return Outcome.dropped(name);
        }
      }
      // Writing back runs plugin code too (toString() of values a transform put in).
      try {
        return Outcome.kept(JsonMaps.toObjectNode(event));
      } catch (RuntimeException e) {
        // The chain cannot tell which transform put the value there; the last one to run is
        // named, and the message says what is wrong with the value.
        String last = transforms.get(chain.length - 1).name();
        return Outcome.failed(last, reason(last, e));
      }
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /**
   * Closes every transform, then the plugin class loader. A transform that fails to close is logged
   * and does not stop the others. Closing a closed (or never opened) chain does nothing.
   */
  public void close() {
    EventTransform[] chain = instances;
    TransformCatalog opened = catalog;
    instances = null;
    catalog = null;
    if (chain != null && opened != null) {
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      thread.setContextClassLoader(opened.loader());
      try {
        for (int i = 0; i < chain.length; i++) {
          if (chain[i] == null) {
            continue; // open() failed before making this one
          }
          try {
            chain[i].close();
          } catch (VirtualMachineError e) {
            throw e;
          } catch (Throwable e) {
            LOG.warn("Java transform '{}' failed to close", transforms.get(i).name(), e);
          }
        }
      } finally {
        thread.setContextClassLoader(previous);
      }
    }
    if (opened != null) {
      try {
        opened.close();
      } catch (IOException e) {
        LOG.warn("cannot close the class loader of plugin jars {}", opened.describeJars(), e);
      }
    }
  }

  static String reason(String transform, Throwable e) {
    return "transform " + transform + ": " + describe(e);
  }

  private static String describe(Throwable e) {
    String type = e.getClass().getSimpleName();
    if (type.isEmpty()) {
      type = e.getClass().getName(); // anonymous or hidden class
    }
    String message = e.getMessage();
    if (message == null) {
      return type;
    }
    if (message.length() > MAX_MESSAGE_LENGTH) {
      int end = MAX_MESSAGE_LENGTH;
      if (Character.isHighSurrogate(message.charAt(end - 1))) {
        end--; // do not split a character in two
      }
      message = message.substring(0, end) + "...";
    }
    return type + ": " + message;
  }

  /**
   * What the chain did with one event.
   *
   * @param kind kept, dropped or failed
   * @param payload the transformed payload when kept, otherwise {@code null}; it belongs to the
   *     caller
   * @param reason why it failed, {@code transform <name>: <Exception>: <message>}, when failed;
   *     otherwise {@code null}
   * @param transform the transform that dropped or failed the event; {@code null} when kept
   */
  public record Outcome(Kind kind, ObjectNode payload, String reason, String transform) {

    /** The three things that can happen to an event. */
    public enum Kind {
      KEPT,
      DROPPED,
      FAILED
    }

    public Outcome {
      Objects.requireNonNull(kind, "kind");
      if ((kind == Kind.KEPT) != (payload != null)) {
        throw new IllegalArgumentException("a payload goes with KEPT and only with KEPT");
      }
      if ((kind == Kind.FAILED) != (reason != null)) {
        throw new IllegalArgumentException("a reason goes with FAILED and only with FAILED");
      }
      if ((kind == Kind.KEPT) != (transform == null)) {
        throw new IllegalArgumentException("DROPPED and FAILED name the transform, KEPT does not");
      }
    }

    /** The event goes on with this payload. */
    public static Outcome kept(ObjectNode payload) {
      return new Outcome(Kind.KEPT, Objects.requireNonNull(payload, "payload"), null, null);
    }

    /** The transform returned {@code false}. */
    public static Outcome dropped(String transform) {
      return new Outcome(Kind.DROPPED, null, null, Objects.requireNonNull(transform));
    }

    /** The transform threw; the event goes to the error zone with this reason. */
    public static Outcome failed(String transform, String reason) {
      return new Outcome(
          Kind.FAILED, null, Objects.requireNonNull(reason), Objects.requireNonNull(transform));
    }
  }
}
