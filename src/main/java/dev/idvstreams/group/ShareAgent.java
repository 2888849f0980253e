package dev.idvstreams.group;

import dev.idvstreams.api.Api;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's side of the group's split of each API's limit: its part follows what it has to
 * do, and the parts in force never add up to more than the limit, whatever the delays. The
 * instances talk only through the share log, one totally ordered Kafka partition
 * ({@link ShareLog}); each writes its messages ({@link ShareMessage}: limit, claim and demand per
 * API) under its own key and reads everybody's, its own included.
 *
 * <p>The rules, which make the limit hold:
 * <ol>
 *   <li><b>Lower, then say so.</b> A part that shrinks applies at once; the message with the lower
 *       claim is written after.
 *   <li><b>Say, then raise.</b> A part that grows is first written as a claim. It applies only when
 *       the instance reads its own claim back and finds that its claim and the latest claims of
 *       the other live instances, as read up to that point, add up to at most the limit; otherwise
 *       the claim is withdrawn (its next message claims what is in use). A claim counts at its
 *       value from the moment it is written, confirmed or not.
 *   <li><b>A lease.</b> An instance whose last message is older than {@code lease} on the log's
 *       clock no longer counts; an instance that has had no message taken by the broker for
 *       {@code fence} (less than the lease) drops every part to 0 until it has again.
 * </ol>
 * Why that is enough: take the parts in force at any moment, each raised by a confirmation made
 * after reading the log up to some position. The confirmation read furthest saw every other
 * raise in force (each was written before it was confirmed, so before that position), or a later
 * message of the same instance, which claims at least what it uses (rule 1). So the sum it checked
 * bounds the sum in force. {@code ShareAgentTest} checks this with random joins, leaves, demands
 * and delays.
 *
 * <p>What each instance aims at is {@link DemandSplit} over the live instances' demands; so an
 * instance with nothing to do gives its part to those with work within a few messages. A part that
 * grows is used only {@link #RAISE_AFTER_BEFORE_GUARD} and the two lanes' arrival guards after the
 * last call another instance made beyond the part it gave up (its message says how long before it that
 * call left), so that those calls have left every 1-second window: at once when they left that
 * long ago, as at a first start, or when the giver's recent calls fit the part it kept.
 *
 * <p>Each API's part moves through these states:
 * <pre>
 * state        event                                   next         what happens
 * STEADY       target below the part in force          STEADY       part lowered, message written
 * STEADY       target above it, room in others' claims CLAIMING     claim written
 * CLAIMING     own claim read back, sum within limit   STEADY       part raised to the claim
 * CLAIMING     own claim read back, sum over limit     STEADY       claim withdrawn in the next message
 * CLAIMING     target below the claim                  STEADY       claim withdrawn (and part lowered if below it)
 * any          no message taken for {@code fence}      STEADY       every part 0
 * </pre>
 *
 * <p>Driven by one thread ({@link ShareLog}'s), but {@link #acked}, which the producer calls.
 */
public final class ShareAgent {

  private static final Logger LOG = LoggerFactory.getLogger(ShareAgent.class);

  /** Writes this instance's messages: under its own key, {@link #acked} when the broker has one. */
  @FunctionalInterface
  public interface Publisher {
    void publish(ShareMessage message, long sentNanos);
  }

  /** This instance's lanes, as the agent sees them: it sets their parts and asks when they called. */
  public interface Lanes {
    /**
     * @param increaseDelay how long a higher part waits before the lane uses it: until the calls made
     *     under the parts others gave up have left every window (0 for a lower part)
     */
    void setQuota(Api api, int callsPerSecond, Duration increaseDelay);

    /**
     * How long ago, in ms, the lane's newest call left that is not among its {@code calls} newest;
     * {@link ApiLoad#NEVER} if it made none lately.
     */
    long millisSinceCallBeyond(Api api, int calls);

    /** How many calls the lane made within its window (the last second and its arrival guard): at most its part, unless lowered. */
    int callsInWindow(Api api);

    /** The lane's arrival guard now: how much two calls' network delays to the provider may differ. */
    Duration arrivalGuard(Api api);
  }

  /**
   * @param heartbeat a message at least this often, so the others know the instance is alive
   * @param lease how old an instance's last message may be, on the log's clock, before it no longer counts
   * @param fence how long without a message taken before the instance drops its parts; less than
   *     the lease by more than the clocks of instances and brokers may differ
   * @param turn how long turns last when a limit is smaller than the number of instances with work
   * @param demandChange the least time between two messages that only report a changed demand
   */
  public record Timing(Duration heartbeat, Duration lease, Duration fence, Duration turn, Duration demandChange) {

    public Timing {
      if (fence.compareTo(lease) >= 0 || heartbeat.compareTo(fence) >= 0) {
        throw new IllegalArgumentException("expected heartbeat < fence < lease, was " + heartbeat + ", " + fence + ", "
            + lease);
      }
    }

    /**
     * A message every 400 ms; an instance silent for 2.5 s is gone, one unheard for 1.25 s (three
     * heartbeats) stops calling: 1.25 s for the clocks of the instances and the brokers to differ
     * by, which NTP keeps far smaller. A SIGKILLed instance's part is back to the group 3.6-3.8 s
     * after its last message (the lease, {@link #RAISE_AFTER_BEFORE_GUARD} and the taker's arrival
     * guard); with a lease of 4 s and 1.5 s after it that was 5.5 s, 2 of 5 calls a second lost
     * around each crash in the rolling benchmark (bench/, docs/performance.md).
     */
    public static Timing defaults() {
      return new Timing(Duration.ofMillis(400), Duration.ofMillis(2500), Duration.ofMillis(1250), Duration.ofSeconds(15),
          Duration.ofMillis(200));
    }
  }

  /** A raise written in the message numbered {@code seq}, waiting to be read back. */
  private record Claim(int calls, long seq) {}

  /** Another instance's latest message and when the log took it. */
  private record Heard(ShareMessage message, long logMillis) {}

  /**
   * How long after the last call made beyond a part given up another instance may use it, before
   * the two lanes' arrival guards ({@link Lanes#arrivalGuard}) are added: the provider's 1-second
   * window and 50 ms for a grant that has not yet left. Each lane's guard is the room it keeps for
   * its own calls' network delays to the provider to vary, so the giver's call may arrive its
   * guard late and the taker's its guard early: the giver tells the call that much younger than
   * it is ({@link #youngerBy}), the taker adds its own. Both are 20 ms as configured by default,
   * wider while a lane settles after a start or a rebalance and after throttled answers. The
   * giver says when that call left (its lanes keep every departure of the last two seconds), so a
   * part given up by an instance that called less than it in the last second is free at once.
   */
  static final Duration RAISE_AFTER_BEFORE_GUARD = Duration.ofMillis(1050);

  /** The provider's window, which a lane's own window widens by its arrival guard. */
  private static final Duration WINDOW = Duration.ofSeconds(1);

  /**
   * What a goodbye's calls are taken to need beyond the window: the widest arrival guard a lane
   * holds (a throttled answer doubles it up to 250 ms), since a tombstone cannot say the giver's.
   */
  static final Duration GOODBYE_GUARD = Duration.ofMillis(250);

  /** The least wait for a claim to fall ({@link #untilAClaimFalls}): the thread wakes for it at most 40 times a second. */
  static final Duration CLAIM_FALL_STEP = Duration.ofMillis(25);

  private final String self;
  private final Map<Api, Integer> limits;
  private final Timing timing;
  private final Publisher publisher;
  private final Lanes lanes;
  private final LongSupplier nanoTime;
  private final Map<String, Heard> others = new TreeMap<>();
  private final Map<Api, Integer> inForce = new EnumMap<>(Api.class);
  private final Map<Api, Claim> claims = new EnumMap<>(Api.class);
  /**
   * Per API, the latest log time at which another instance may still have called under a part it
   * has given up since: its message lowering the claim, less how long before it its last call left.
   */
  private final Map<Api, Long> freedMillis = new EnumMap<>(Api.class);
  /** The last message written, null before the first. */
  private ShareMessage published;
  /** The latest time the log has shown: its clock for leases and turns. */
  private long logMillis = Long.MIN_VALUE;
  private long seq;
  private long lastPublishNanos;
  /** Whether this instance has read one of its own messages: then it has read what the others said before. */
  private boolean joined;
  /** Whether the next tick must write a message: a part lowered or a claim made or withdrawn. */
  private boolean changed;
  private volatile long lastAckedSentNanos;
  private volatile boolean everAcked;

  /**
   * @param self this instance's key on the share log, unique to this process
   * @param limits each API's limit for the whole group, from this instance's configuration
   */
  public ShareAgent(String self, Map<Api, Integer> limits, Timing timing, Publisher publisher, Lanes lanes,
      LongSupplier nanoTime) {
    this.self = self;
    this.limits = new EnumMap<>(limits);
    this.timing = timing;
    this.publisher = publisher;
    this.lanes = lanes;
    this.nanoTime = nanoTime;
    for (Api api : Api.values()) {
      inForce.put(api, 0);
    }
  }

  /**
   * This instance's limit for {@code api} is now {@code limit} (set through the control topic). It
   * says so in its next message. A lower limit holds the whole group at once, since the group
   * keeps to the lowest limit any live instance gives. A higher one holds only when every live
   * instance gives it. The log's thread only.
   */
  public void setLimit(Api api, int limit) {
    limits.put(api, limit);
  }

  /** The broker took the message sent at {@code sentNanos}. Any thread. */
  public void acked(long sentNanos) {
    if (!everAcked || sentNanos - lastAckedSentNanos > 0) {
      lastAckedSentNanos = sentNanos;
      everAcked = true;
    }
  }

  /**
   * A record of the share log, in log order.
   *
   * @param message null for a tombstone (the instance left)
   * @param logMillis the record's timestamp (the broker's, on a topic with LogAppendTime)
   */
  public void onRecord(String key, ShareMessage message, long logMillis) {
    this.logMillis = Math.max(this.logMillis, logMillis);
    if (!key.equals(self)) {
      Heard before = message == null ? others.remove(key) : others.put(key, new Heard(message, logMillis));
      if (before != null) {
        for (Api api : Api.values()) {
          int claimed = message == null ? 0 : message.claims().get(api);
          if (claimed < before.message().claims().get(api)) {
            // a part given up: its last call beyond the part it now claims left idle-ms before this
            // message, told its guard younger (a goodbye says nothing: now, and the widest guard)
            long lastCall = message == null ? logMillis + GOODBYE_GUARD.toMillis()
                : logMillis - message.loads().get(api).idleMillis();
            freedMillis.merge(api, lastCall, Math::max);
          }
        }
      }
      return;
    }
    if (message == null) {
      return; // this process's own goodbye, read back while it closes
    }
    if (!joined) {
      LOG.info("Joined the share log as {}: {} other instance(s) heard from", self, others.size());
    }
    joined = true;
    Iterator<Map.Entry<Api, Claim>> pending = claims.entrySet().iterator();
    while (pending.hasNext()) {
      Map.Entry<Api, Claim> claim = pending.next();
      Api api = claim.getKey();
      int calls = claim.getValue().calls();
      if (message.seq() < claim.getValue().seq()) {
        continue; // written before the claim: not yet the message that carries it
      }
      pending.remove();
      if (!fenced() && othersClaims(api) + calls <= limit(api)) {
        // the claim is confirmed: the lane uses it once the calls made under parts given up have left every window
        long freed = freedMillis.getOrDefault(api, Long.MIN_VALUE / 2);
        // rounded up: a guard that narrowed by halves may hold a fraction of a ms
        long raiseAfter = RAISE_AFTER_BEFORE_GUARD.toMillis() + ceilMillis(lanes.arrivalGuard(api));
        Duration delay = Duration.ofMillis(Math.max(0, freed + raiseAfter - logMillis));
        LOG.debug("{}: part raised to {} of {} calls/s, in {}", api.action(), calls, limit(api), delay);
        inForce.put(api, calls);
        lanes.setQuota(api, calls, delay);
      } else {
        changed = true; // withdrawn: the next message claims what is in force
      }
    }
  }

  /**
   * Moves each part toward its target and writes a message when something changed, a demand moved
   * or the heartbeat is due. Called after each poll of the log.
   *
   * @param demands this instance's demand per API, now ({@link LaneDemand})
   */
  public void tick(Map<Api, Long> demands) {
    long now = nanoTime.getAsLong();
    if (seq == 0) {
      publish(demands, now); // the first message: it claims nothing, and reading it back means caught up
      return;
    }
    expire();
    if (fenced() && (inForceTotal() > 0 || !claims.isEmpty())) {
      LOG.warn("No message to the share log was taken for {}: this instance stops calling until one is", timing.fence());
      for (Api api : Api.values()) {
        lower(api, 0);
      }
      claims.clear();
    }
    if (joined && !fenced()) {
      for (Api api : Api.values()) {
        aim(api, demands.getOrDefault(api, 0L));
      }
    }
    for (Api api : Api.values()) {
      if (published != null && published.claims().get(api) > claimNow(api)) {
        changed = true; // calls made under a part given up have aged: what they held is free now
      }
    }
    if (changed || now - lastPublishNanos >= timing.heartbeat().toNanos() || demandMoved(demands, now)) {
      publish(demands, now);
    }
  }

  /** Drops every part to 0: the instance leaves, and says so with a tombstone after this. */
  public void leave() {
    for (Api api : Api.values()) {
      lower(api, 0);
    }
    claims.clear();
  }

  /**
   * How long until a claim of this instance falls by itself: its lane still has more calls in its
   * window than the part it claims, and the oldest of them leaves the window then (a second and
   * the lane's arrival guard after it left). The share log's thread looks again by then, so the
   * others hear of the room at once: an instance that has run dry polls only twice a second, and
   * its part moved one call at a time, up to half a second late each. Never less than
   * {@link #CLAIM_FALL_STEP}: a part of hundreds of calls a second falls that many times a second,
   * and one message per call would be as many messages.
   */
  public Optional<Duration> untilAClaimFalls() {
    Optional<Duration> soonest = Optional.empty();
    for (Api api : Api.values()) {
      int inWindow = lanes.callsInWindow(api);
      if (inWindow <= claimedPart(api)) {
        continue;
      }
      long age = lanes.millisSinceCallBeyond(api, inWindow - 1);
      if (age == ApiLoad.NEVER) {
        continue;
      }
      Duration left = Duration.ofMillis(Math.max(CLAIM_FALL_STEP.toMillis(),
          WINDOW.toMillis() + ceilMillis(lanes.arrivalGuard(api)) - age));
      if (soonest.isEmpty() || left.compareTo(soonest.get()) < 0) {
        soonest = Optional.of(left);
      }
    }
    return soonest;
  }

  private static long ceilMillis(Duration duration) {
    return (duration.toNanos() + 999_999) / 1_000_000;
  }

  /** The parts in force now, for tests and the log. */
  public Map<Api, Integer> inForce() {
    return Map.copyOf(inForce);
  }

  /** The decision ladder of one API's part. */
  private void aim(Api api, long demand) {
    int limit = limit(api);
    Map<String, Long> demands = new TreeMap<>();
    others.forEach((id, heard) -> demands.put(id, heard.message().demand(api)));
    demands.put(self, demand);
    int target = DemandSplit.split(limit, demands, Math.floorDiv(logMillis, timing.turn().toMillis())).get(self);
    int current = inForce.get(api);
    Claim claim = claims.get(api);
    if (target != current && LOG.isDebugEnabled()) {
      LOG.debug("{}: target {} of {} calls/s, in force {}, demands {}", api.action(), target, limit, current, demands);
    }
    if (target < current) {
      // less than in force: lowered now, said in this tick's message
      claims.remove(api);
      lower(api, target);
    } else if (claim != null && target < claim.calls()) {
      // a claim above the target now: withdrawn (what is in force stays)
      claims.remove(api);
      changed = true;
    } else if (claim == null && target > current) {
      // more than in force: claim what the others' claims leave free, up to the target
      int want = (int) Math.min(target, Math.max(0, limit - othersClaims(api)));
      if (want > current) {
        claims.put(api, new Claim(want, seq + 1));
        changed = true;
      }
    }
    // otherwise the target is in force, or a claim for it waits to be read back
  }

  private void lower(Api api, int calls) {
    if (calls < inForce.get(api)) {
      LOG.debug("{}: part lowered to {} calls/s", api.action(), calls);
      inForce.put(api, calls);
      lanes.setQuota(api, calls, Duration.ZERO);
      changed = true;
    }
  }

  private void publish(Map<Api, Long> demands, long now) {
    Map<Api, Integer> claimed = new EnumMap<>(Api.class);
    Map<Api, ApiLoad> told = new EnumMap<>(Api.class);
    for (Api api : Api.values()) {
      claimed.put(api, claimNow(api));
      // asked after any part was lowered in this tick: no call can slip between the answer and the lowering
      told.put(api, new ApiLoad(demands.getOrDefault(api, 0L),
          youngerBy(lanes.millisSinceCallBeyond(api, claimed.get(api)), lanes.arrivalGuard(api))));
    }
    seq++;
    published = new ShareMessage(seq, limits, claimed, told);
    publisher.publish(published, now);
    lastPublishNanos = now;
    changed = false;
  }

  /**
   * What this instance claims of an API now: its claim waiting to be confirmed, else its part in
   * force, and never less than the calls its lane made within its window. A lane that uses its
   * part has at most that many there, so this is its part; one whose part was just lowered keeps
   * claiming the calls it made under the higher part until they leave its window, one by one. The
   * others may use each call's room as soon as it has left (the calls beyond the claim are older
   * than the window), instead of {@link #RAISE_AFTER_BEFORE_GUARD} and the guard after the last of them.
   */
  private int claimNow(Api api) {
    return Math.max(claimedPart(api), lanes.callsInWindow(api));
  }

  /** Its claim waiting to be confirmed, else its part in force. */
  private int claimedPart(Api api) {
    Claim claim = claims.get(api);
    return claim == null ? inForce.get(api) : claim.calls();
  }

  /** A call's age as told to the others: its lane's guard younger, since it may reach the provider that late. */
  private static long youngerBy(long idleMillis, Duration guard) {
    return idleMillis == ApiLoad.NEVER ? ApiLoad.NEVER : Math.max(0, idleMillis - ceilMillis(guard));
  }

  /** A demand that started, stopped or moved by a quarter is worth a message, at most every {@code demandChange}. */
  private boolean demandMoved(Map<Api, Long> demands, long now) {
    if (now - lastPublishNanos < timing.demandChange().toNanos()) {
      return false;
    }
    for (Api api : Api.values()) {
      long before = published == null ? 0 : published.demand(api);
      long after = demands.getOrDefault(api, 0L);
      if ((before == 0) != (after == 0) || Math.abs(after - before) * 4 > Math.max(before, after)) {
        return true;
      }
    }
    return false;
  }

  /** Forgets instances whose last message is older than the lease on the log's clock. */
  private void expire() {
    long lease = timing.lease().toMillis();
    others.values().removeIf(heard -> {
      if (heard.logMillis() >= logMillis - lease) {
        return false;
      }
      // gone without a goodbye: it stopped calling by its fence, which the lease's end covers
      for (Api api : Api.values()) {
        if (heard.message().claims().get(api) > 0) {
          freedMillis.merge(api, heard.logMillis() + lease, Math::max);
        }
      }
      return true;
    });
  }

  private boolean fenced() {
    return !everAcked || nanoTime.getAsLong() - lastAckedSentNanos > timing.fence().toNanos();
  }

  /** The smallest limit any live instance was configured with: instances that disagree are held to the lowest. */
  private int limit(Api api) {
    int limit = limits.get(api);
    for (Heard heard : others.values()) {
      limit = Math.min(limit, heard.message().limits().get(api));
    }
    return limit;
  }

  private long othersClaims(Api api) {
    long sum = 0;
    for (Heard heard : others.values()) {
      if (heard.logMillis() >= logMillis - timing.lease().toMillis()) {
        sum += heard.message().claims().get(api);
      }
    }
    return sum;
  }

  private int inForceTotal() {
    return inForce.values().stream().mapToInt(Integer::intValue).sum();
  }
}
