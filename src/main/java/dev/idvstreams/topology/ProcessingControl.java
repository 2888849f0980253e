package dev.idvstreams.topology;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the running processor tells its verify processors, shared by all of them:
 *
 * <ul>
 *   <li>whether to start calls: not while the instance drains before shutdown, when new requests
 *       are stored IN_FLIGHT for the next owner instead, and not during a rebalance, when Kafka
 *       Streams does not commit: a call started then would complete into a transaction that may
 *       never commit, and be made again by the next owner. Only the calls already on the wire
 *       when a rebalance begins can be made twice;
 *   <li>how long a stream thread may still block while the instance's {@link Backlog} of waiting
 *       requests is over its bound (backpressure; never for one API's room). Kafka
 *       Streams commits, and so ends the EOS transaction, only between its loops, and a loop may
 *       process many records of many tasks; so the budget counts from the thread's last
 *       punctuation (once per loop), not per record, and a loop never blocks for longer than the
 *       budget in all, whatever the number of tasks, the latency or the error rate. During a
 *       rebalance, when Kafka Streams does not commit at all, the budget is 0; so it is as soon as
 *       the group coordinator starts one, since a member rejoins only when its thread polls, which
 *       a thread blocking at the bound with records buffered does not do.
 * </ul>
 */
public final class ProcessingControl {

  private final long budgetNanos;
  private final Backlog backlog;
  private final ThreadLocal<long[]> loopStartNanos = ThreadLocal.withInitial(() -> new long[] {System.nanoTime()});
  private final AtomicInteger calls = new AtomicInteger();
  /** Tasks with work of their own for the punctuator: indexing the store, a purge, events to publish again. */
  private final AtomicInteger tasksWithBackgroundWork = new AtomicInteger();
  /** Calls settled, per stream thread (by name: Kafka Streams' thread-id metric tag). */
  private final Map<String, AtomicLong> settled = new ConcurrentHashMap<>();
  private volatile boolean draining;
  private volatile boolean rebalancing;
  private volatile boolean commitsStalled;
  private volatile boolean groupRebalancing;

  /** @param blockingBudget the most a stream thread blocks between two of its loops; keep it well under transaction.timeout.ms */
  public ProcessingControl(Duration blockingBudget) {
    this(blockingBudget, Backlog.unbounded());
  }

  /** @param backlog the instance's waiting requests, whose bound is what stream threads block on */
  public ProcessingControl(Duration blockingBudget, Backlog backlog) {
    this.budgetNanos = blockingBudget.toNanos();
    this.backlog = backlog;
  }

  public Backlog backlog() {
    return backlog;
  }

  /** From now on no call starts; calls already started go on. */
  public void startDraining() {
    draining = true;
  }

  /**
   * Kafka Streams has not committed for a while although it has work: a rebalance is under way
   * that its state does not show yet (a member waits in the join for others: it stays RUNNING but
   * commits nothing), or the broker is unreachable. Calls are held like during a rebalance.
   */
  public void setCommitsStalled(boolean stalled) {
    this.commitsStalled = stalled;
  }

  /**
   * The group coordinator says the group is rebalancing, before this member has rejoined: its
   * stream threads must stop blocking so that they poll, which is when a member rejoins. Calls are
   * held like during a rebalance.
   */
  public void setGroupRebalancing(boolean rebalancing) {
    this.groupRebalancing = rebalancing;
  }

  /** Whether calls may start now: not while draining, not while the group rebalances or Kafka Streams cannot commit. */
  public boolean mayStartCalls() {
    return !draining && !rebalancing && !groupRebalancing && !commitsStalled;
  }

  public void setRebalancing(boolean rebalancing) {
    this.rebalancing = rebalancing;
  }

  /** Calls started by the verify processors and not yet settled on the stream thread (or cancelled). */
  public int callsInFlight() {
    return calls.get();
  }

  void callsChanged(int delta) {
    calls.addAndGet(delta);
  }

  /**
   * Whether the instance has work that only a punctuation moves on, so its stream threads should
   * come back from {@code poll} soon: calls in flight (their answers are forwarded between polls),
   * requests waiting for room, a task's background work, a rebalance or a drain. Otherwise a thread
   * may wait in {@code poll} until a record arrives ({@code runtime/LoadFollowingPolls}).
   */
  public boolean hasWork() {
    return calls.get() > 0 || backlog.requests() > 0 || tasksWithBackgroundWork.get() > 0 || rebalancing || draining
      || groupRebalancing || commitsStalled;
  }

  void backgroundWorkChanged(int delta) {
    tasksWithBackgroundWork.addAndGet(delta);
  }

  /** Calls settled so far on one stream thread (their results written): work for its next commit. */
  public long callsSettled(String threadName) {
    AtomicLong count = settled.get(threadName);
    return count == null ? 0 : count.get();
  }

  /** On the stream thread that settled the call. */
  void callSettled() {
    settled.computeIfAbsent(Thread.currentThread().getName(), t -> new AtomicLong()).incrementAndGet();
  }

  /** The calling stream thread is between two loops (it punctuates): its budget starts again. */
  void loopPassed() {
    loopStartNanos.get()[0] = System.nanoTime();
  }

  /** How long the calling stream thread may still block in this loop, in nanoseconds. */
  long blockingBudgetNanos() {
    if (!mayStartCalls()) {
      return 0;
    }
    return Math.max(0, budgetNanos - (System.nanoTime() - loopStartNanos.get()[0]));
  }
}
