package dev.idvstreams.runtime;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.GroupState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the group coordinator whether the group is rebalancing, so that the stream threads stop
 * blocking at the in-flight bound before they are asked to rejoin.
 *
 * <p>Why: a member rejoins a rebalance only when its stream thread polls, and Kafka Streams polls
 * only once the records it has buffered are processed (or after half of
 * {@code max.poll.interval.ms}). With a backlog, a thread that blocks at the bound takes a record
 * per free slot, at the API's rate, so it went 11-16 s without polling while a restarted member
 * waited in the join, and that member's partitions made no call ({@code docs/design.md}, "Crash,
 * restart and rebalance"). Neither Kafka Streams' state (RUNNING until the member rejoins) nor the
 * commits (which go on) show that the group wants a rejoin; the coordinator's group state does.
 *
 * <p>One describe at a time; an answer that cannot be had (the broker away, no right to describe
 * the group, a group of another protocol) counts as "not rebalancing": the commit watch still
 * holds calls when commits stop.
 */
final class GroupRebalanceWatch {

  private static final Logger LOG = LoggerFactory.getLogger(GroupRebalanceWatch.class);

  private final Supplier<CompletionStage<GroupState>> describe;
  private final Consumer<Boolean> rebalancing;
  private final AtomicBoolean asking = new AtomicBoolean();
  private final AtomicBoolean failing = new AtomicBoolean();
  private volatile GroupState last = GroupState.UNKNOWN;

  /**
   * @param describe the group's state as the coordinator has it now
   * @param rebalancing told after every answer whether the group is rebalancing
   */
  GroupRebalanceWatch(Supplier<CompletionStage<GroupState>> describe, Consumer<Boolean> rebalancing) {
    this.describe = describe;
    this.rebalancing = rebalancing;
  }

  /** Asks once, unless the last question is still unanswered. */
  void check() {
    if (!asking.compareAndSet(false, true)) {
      return;
    }
    CompletionStage<GroupState> answer;
    try {
      answer = describe.get();
    } catch (RuntimeException e) {
      answered(null, e);
      return;
    }
    answer.whenComplete(this::answered);
  }

  private void answered(GroupState state, Throwable error) {
    try {
      if (error != null) {
        if (failing.compareAndSet(false, true)) {
          LOG.warn("Cannot read the group's state ({}): calls are held only when commits stop", error.toString());
        }
        rebalancing.accept(false);
        return;
      }
      if (failing.compareAndSet(true, false)) {
        LOG.info("The group's state can be read again: {}", state);
      }
      if (state != last) {
        LOG.info("Group state {} (was {})", state, last);
        last = state;
      }
      rebalancing.accept(state == GroupState.PREPARING_REBALANCE || state == GroupState.COMPLETING_REBALANCE);
    } finally {
      asking.set(false);
    }
  }
}
