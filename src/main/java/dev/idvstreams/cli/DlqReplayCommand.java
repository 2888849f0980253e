package dev.idvstreams.cli;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.operator.DeadLetterFilter;
import dev.idvstreams.operator.DeadLetterReplay;
import dev.idvstreams.operator.OperatorClients;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dlq replay}: sends the request of each matching dead letter back to the request topic,
 * keyed by its bizId, reading the dead-letter topic up to where it ended when the run started.
 *
 * <p>{@link DeadLetterReplay} does the replay: one Kafka transaction per batch, so a dead letter
 * is replayed once even when a run is killed halfway, and a second run with the same filter
 * replays only dead letters that arrived since. DECODE dead letters have no request and are
 * counted as not replayable.
 *
 * <p>A replayed request goes through the processor again; if it fails again it becomes a new dead
 * letter, which the next run replays in turn. Replay a stage only once its cause is gone (the API
 * is back for PROVIDER, the configuration changed for VALIDATION, the bizId expired from the
 * deduplication store for DEDUP_CONFLICT).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
  description = "Send the requests of dead letters (optionally only one stage and/or code) back to the request topic.")
final class DlqReplayCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Option(names = "--stage", paramLabel = "S", description = "Only dead letters of this stage: ${COMPLETION-CANDIDATES}.")
  DeadLetterStage stage;

  @Option(names = "--code", paramLabel = "C", description = "Only dead letters with this errorCode, for example InternalError.")
  String code;

  @Option(names = "--dry-run", description = "List what would be replayed; send and commit nothing.")
  boolean dryRun;

  @Option(names = "--max", paramLabel = "N", description = "Replay at most N dead letters; the next run goes on after the last one.")
  Integer max;

  @Option(names = "--max-replays", paramLabel = "N", defaultValue = "3",
    description = "Skip dead letters whose request was already replayed N times (its idv-replay-count header); "
      + "default ${DEFAULT-VALUE}. A cause that remains makes a replayed request fail again: this stops the loop.")
  int maxReplays;

  @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "60000",
    description = "Give up (exit code 1) when no record arrives for MS ms before the end of the topic is reached (default: ${DEFAULT-VALUE}).")
  long timeoutMs;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    IdvConfig settings = config.loadAndReach();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DeadLetterReplay replay = new DeadLetterReplay(settings, new DeadLetterFilter(stage, code), dryRun, max, maxReplays,
      timeoutMs);
    DeadLetterReplay.Tally tally;
    try {
      tally = replay.run(new DeadLetterReplay.Listener() {
        @Override
        public void unreadable(ConsumerRecord<String, byte[]> record) {
          err.println(where(record) + ": not a readable dead letter: skipped");
        }

        @Override
        public void withoutRequest(ConsumerRecord<String, byte[]> record, DeadLetter letter) {
          err.println(where(record) + ": " + letter.getStage() + " " + letter.getErrorCode() + " has no request: not replayable");
        }

        @Override
        public void pastMaxReplays(ConsumerRecord<String, byte[]> record, DeadLetter letter, int replays) {
          err.println(where(record) + ": bizId=" + letter.getBizId() + " " + letter.getStage() + " "
            + letter.getErrorCode() + " was replayed " + replays + " times already (--max-replays " + maxReplays
            + "): skipped");
        }

        @Override
        public void replayed(List<DeadLetterReplay.Replayed> batch) {
          for (DeadLetterReplay.Replayed replayed : batch) {
            DeadLetter letter = replayed.letter();
            out.println((dryRun ? "would replay " : "replayed ") + where(replayed.record()) + " bizId="
              + letter.getRequest().getBizId() + " stage=" + letter.getStage() + " code=" + letter.getErrorCode());
          }
          out.flush();
        }
      });
    } catch (OperatorClients.MissingTopicException e) {
      err.println(e.getMessage());
      return 1;
    }
    if (tally.stalled()) {
      err.println("no dead letter arrived for " + timeoutMs + " ms before the end of " + settings.deadLetterTopic() + ": stopped");
      summary(out, tally);
      return 1;
    }
    summary(out, tally);
    err.flush();
    return 0;
  }

  private static String where(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  private void summary(PrintWriter out, DeadLetterReplay.Tally tally) {
    out.println("dead letters read: " + tally.read() + "; " + (dryRun ? "would replay: " : "replayed: ") + tally.replayed()
      + "; not matching: " + tally.notMatching() + "; without a request (not replayable): " + tally.withoutRequest()
      + "; unreadable: " + tally.unreadable() + "; replayed " + maxReplays + " times already (skipped): "
      + tally.pastMaxReplays());
    out.flush();
  }
}
