package org.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import org.switchboard.intake.ContactInput;
import org.switchboard.intake.TriggerIntake;
import org.switchboard.model.Json;
import org.switchboard.model.Trigger;
import org.switchboard.support.DbKind;
import org.switchboard.support.TestApp;

/**
 * Intake and processing without HTTP: 64 virtual threads invoke an asynchronous trigger in process, the worker runs
 * each event through a one-say bot. Shows what the writer side alone costs per event, free of wrk and of the VM's
 * HTTP noise. Run: {@code bench/writer [seconds] [deliver]}. Prints events a second and process CPU per event.
 * With {@code deliver}, a subscription sends each reply to a {@link HookReceiver} in this process, so the figures
 * include what every delivery costs: its row, its send and its settlement.
 */
public final class WriterBench {
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    boolean deliver = args.length > 1 && args[1].equals("deliver");
    LongAdder delivered = new LongAdder();
    try (TestApp app = TestApp.start(DbKind.SQLITE, Map.of("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "true"), true);
         HookReceiver receiver = new HookReceiver(n -> delivered.increment())) {
      String project = app.project("writer-bench");
      String bot = app.bot(project, BenchRun.Node.FLOW);
      if (deliver) {
        app.admin.post("/v1/projects/" + project + "/subscriptions", Map.of("topics", List.of("message.created"),
            "url", "http://127.0.0.1:" + receiver.port() + "/hook", "bodyTemplate", "{{message.payload.text}}"));
      }
      JsonNode t = app.trigger(project, bot, Map.of("name", "async", "sessionDurationSeconds", 0));
      TriggerIntake intake = app.app.core().triggerIntake();
      Trigger trigger = intake.activeTrigger(t.get("id").asText());
      JsonNode payload = Json.read("{\"n\":42,\"message\":\"hi\"}");
      // Deliveries bring Jetty's client and the dispatcher's code to compile: 5 s left the JIT busy through the run.
      run(intake, trigger, payload, deliver ? 30 : 5);
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      var threads = ManagementFactory.getThreadMXBean();
      long writer = Thread.getAllStackTraces().keySet().stream().filter(th -> th.getName().equals("group-commit"))
          .findFirst().orElseThrow().threadId();
      long cpu = os.getProcessCpuTime();
      long writerCpu = threads.getThreadCpuTime(writer);
      long[] io = writes();
      long deliveredBefore = delivered.sum();
      long events = run(intake, trigger, payload, seconds);
      cpu = os.getProcessCpuTime() - cpu;
      writerCpu = threads.getThreadCpuTime(writer) - writerCpu;
      long[] ioAfter = writes();
      System.out.printf("%,.0f events/s accepted, %.0f µs process CPU and %.1f µs writer CPU per event, "
              + "%.1f KB in %.1f write calls per event%n", events / (double) seconds, cpu / 1e3 / events,
          writerCpu / 1e3 / events, (ioAfter[0] - io[0]) / 1024.0 / events, (ioAfter[1] - io[1]) / (double) events);
      if (deliver) System.out.printf("%,.0f deliveries/s received%n", (delivered.sum() - deliveredBefore) / (double) seconds);
    }
  }

  /**
   * This process's bytes and calls written so far ({@code /proc/self/io}: wchar, syscw), nearly all of them the
   * database's: the write volume per event does not vary with the VM's speed as CPU time does.
   */
  private static long[] writes() throws java.io.IOException {
    long[] out = new long[2];
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/io"))) {
      if (line.startsWith("wchar:")) out[0] = Long.parseLong(line.substring(6).trim());
      if (line.startsWith("syscw:")) out[1] = Long.parseLong(line.substring(6).trim());
    }
    return out;
  }

  private static long run(TriggerIntake intake, Trigger trigger, JsonNode payload, int seconds) throws Exception {
    LongAdder done = new LongAdder();
    long until = System.nanoTime() + seconds * 1_000_000_000L;
    try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 64; i++) {
        callers.execute(() -> {
          while (System.nanoTime() < until) {
            intake.invoke(trigger, new TriggerIntake.Invocation(payload, Map.of(), Map.of(), null,
                new ContactInput(null, null, null, null), null, "native", Json.object()));
            done.increment();
          }
        });
      }
    }
    return done.sum();
  }
}
