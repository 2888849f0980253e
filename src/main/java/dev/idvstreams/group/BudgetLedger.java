package dev.idvstreams.group;

import dev.idvstreams.api.Api;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One instance's side of the group's daily call budgets (the cost guard), on the budget log. Each
 * instance reserves calls of a day's budget in blocks and calls only within what it reserved, so
 * the reservations, and with them the calls, never add up to more than the budget.
 *
 * <p>A reservation is cumulative for its day: the record keyed {@code <day>|<api>|<instance>}
 * holds all that instance reserved of that API's budget that day. A new one is a claim, in force
 * only when the instance reads it back and finds it, with every other instance's latest
 * reservation for that day before it in the log, within the budget; else it is withdrawn (the
 * previous value written again). All instances read one log in one order, so of two claims that
 * would together overspend, the later one fails. An instance claims only when its calls need it,
 * and gives back what it reserved and did not call once it has made no call for
 * {@link #GIVE_BACK_AFTER_NANOS} (its reservation written down to what it used): a lower
 * reservation never overspends, and the others can claim it. Calls an instance reserved and did
 * not make before it stopped are lost for the day (at most a block).
 *
 * <pre>
 * state     | event                                              | next      | written
 * ----------+----------------------------------------------------+-----------+---------------------------
 * IDLE      | short of calls, budget left                        | CLAIMING  | the claim (reserved + block)
 * CLAIMING  | own claim read back, all reservations within budget| IDLE      | nothing: the block is usable
 * CLAIMING  | own claim read back, over the budget               | IDLE      | the previous reservation
 * IDLE      | no call for 2 s, calls reserved and not made       | IDLE      | the reservation, down to the calls made
 * any       | the day turns                                      | IDLE      | nothing: a new day's key
 * </pre>
 * Not thread-safe: the budget log's thread only, but for {@link #tryTake} and {@link #spent},
 * which the lanes call and which are synchronized.
 */
final class BudgetLedger {

  private static final Pattern VALUE = Pattern.compile("v1 seq=(\\d+) reserved=(\\d+)");
  /** How long without a call before an instance gives back the calls it reserved and did not make. */
  static final long GIVE_BACK_AFTER_NANOS = 2_000_000_000L;

  /** A record's key: whose reservation, of which API's budget, on which day. */
  record Key(LocalDate day, Api api, String instance) {
    String encode() {
      return day + "|" + api.id() + "|" + instance;
    }

    static Optional<Key> decode(String key) {
      if (key == null) {
        return Optional.empty();
      }
      String[] parts = key.split("\\|", 3);
      if (parts.length != 3) {
        return Optional.empty();
      }
      try {
        LocalDate day = LocalDate.parse(parts[0]);
        for (Api api : Api.values()) {
          if (api.id().equals(parts[1])) {
            return Optional.of(new Key(day, api, parts[2]));
          }
        }
      } catch (java.time.format.DateTimeParseException e) {
        return Optional.empty();
      }
      return Optional.empty();
    }
  }

  /** A reservation as written: the writer's sequence number and its cumulative reservation. */
  record Reservation(long seq, long reserved) {
    byte[] encode() {
      return ("v1 seq=" + seq + " reserved=" + reserved).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static Optional<Reservation> decode(byte[] value) {
      if (value == null) {
        return Optional.empty();
      }
      Matcher m = VALUE.matcher(new String(value, java.nio.charset.StandardCharsets.UTF_8));
      return m.matches() ? Optional.of(new Reservation(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))))
          : Optional.empty();
    }
  }

  /** This instance's side of one API's budget today. */
  private static final class Own {
    LocalDate day;
    /** Reserved and confirmed: calls this instance may make today. */
    long reserved;
    long used;
    /** The claim written and not yet read back; 0 when none. */
    long pendingSeq;
    long pendingReserved;
    /** Whether an attempt found the reservation used up, or close to it: the log's thread claims more. */
    boolean short_;
    /** When this instance last took or asked for a call of today's budget. */
    long lastAskedNanos;
  }

  private final String self;
  /** Every instance's latest reservation, by key, as read so far. */
  private final Map<Key, Long> reservations = new HashMap<>();
  private final Map<Api, Own> own = new EnumMap<>(Api.class);
  private long seq;

  BudgetLedger(String self) {
    this.self = self;
    for (Api api : Api.values()) {
      own.put(api, new Own());
    }
  }

  /**
   * A record of the log, in log order. When it is this instance's pending claim, read back:
   *
   * @param budget the API's budget in force now
   * @return the reservation to write to withdraw the claim, if it does not fit
   */
  synchronized Optional<Reservation> onRecord(Key key, Reservation value, long budget) {
    Optional<Reservation> withdrawal = Optional.empty();
    Own mine = own.get(key.api());
    if (key.instance().equals(self) && mine.pendingSeq != 0 && value.seq() == mine.pendingSeq
        && key.day().equals(mine.day)) {
      mine.pendingSeq = 0;
      long others = reservedBy(key.day(), key.api(), true);
      if (others + value.reserved() <= budget) {
        // the case the claim exists for: the block is this instance's to call
        mine.reserved = value.reserved();
        mine.short_ = mine.used >= mine.reserved;
      } else {
        // another claim came first in the log: this one would overspend; take it back
        withdrawal = Optional.of(new Reservation(++seq, mine.reserved));
      }
    }
    reservations.put(key, value.reserved());
    return withdrawal;
  }

  /**
   * The claim to write now for {@code api}, if this instance is short of calls and the budget has
   * some left: its reservation plus a block of at most {@code block} calls.
   */
  synchronized Optional<Map.Entry<Key, Reservation>> claim(Api api, LocalDate today, long budget, long block) {
    // the days before yesterday count for nothing any more (the topic keeps them three days)
    reservations.keySet().removeIf(key -> key.day().isBefore(today.minusDays(1)));
    Own mine = dayOf(api, today);
    if (mine.pendingSeq != 0 || !mine.short_) {
      return Optional.empty();
    }
    long left = budget - reservedBy(today, api, false);
    if (left <= 0) {
      return Optional.empty();
    }
    mine.pendingSeq = ++seq;
    mine.pendingReserved = mine.reserved + Math.min(left, Math.max(1, block));
    return Optional.of(Map.entry(new Key(today, api, self), new Reservation(mine.pendingSeq, mine.pendingReserved)));
  }

  /** The claim {@code seq} of {@code api} could not be written: none is pending, the next tick claims again. */
  synchronized void claimFailed(Api api, long failedSeq) {
    Own mine = own.get(api);
    if (mine.pendingSeq == failedSeq) {
      mine.pendingSeq = 0;
    }
  }

  /**
   * The reservation to write to give back what this instance reserved of {@code api}'s budget and
   * did not call, once it has asked for no call for {@link #GIVE_BACK_AFTER_NANOS}: a block
   * reserved by an instance whose work ran out would otherwise hold another's requests all day.
   */
  synchronized Optional<Map.Entry<Key, Reservation>> giveBack(Api api, LocalDate today, long nowNanos) {
    Own mine = dayOf(api, today);
    if (mine.pendingSeq != 0 || mine.reserved <= mine.used || nowNanos - mine.lastAskedNanos < GIVE_BACK_AFTER_NANOS) {
      return Optional.empty();
    }
    mine.reserved = mine.used;
    mine.short_ = false;
    return Optional.of(Map.entry(new Key(today, api, self), new Reservation(++seq, mine.reserved)));
  }

  /** Takes one call of today's reservation for {@code api}, if one is left; else says it is short. */
  synchronized boolean tryTake(Api api, LocalDate today, long block) {
    return tryTake(api, today, block, System.nanoTime());
  }

  /** {@link #tryTake(Api, LocalDate, long)} at {@code nowNanos}. */
  synchronized boolean tryTake(Api api, LocalDate today, long block, long nowNanos) {
    Own mine = dayOf(api, today);
    mine.lastAskedNanos = nowNanos;
    if (mine.used < mine.reserved) {
      mine.used++;
      // claim ahead: the next block is asked for while half of this one is left
      mine.short_ = mine.reserved - mine.used < Math.max(1, block / 2);
      return true;
    }
    mine.short_ = true;
    return false;
  }

  /** Whether this instance is out of calls for {@code api} today: short, and the budget has none left to claim. */
  synchronized boolean spent(Api api, LocalDate today, long budget) {
    Own mine = dayOf(api, today);
    return mine.used >= mine.reserved && mine.pendingSeq == 0 && budget - reservedBy(today, api, false) <= 0;
  }

  /** Calls of {@code api}'s budget the whole group has reserved today, as read so far (this instance's confirmed part included). */
  synchronized long reservedToday(Api api, LocalDate today) {
    return reservedBy(today, api, false);
  }

  /** Calls this instance has made of {@code api}'s budget today. */
  synchronized long usedToday(Api api, LocalDate today) {
    return dayOf(api, today).used;
  }

  /**
   * What all instances reserved of {@code api}'s budget on {@code day}: their latest records, and
   * this instance's confirmed reservation in place of its own record, which may be a claim not yet
   * read back; with {@code othersOnly}, the others alone.
   */
  private long reservedBy(LocalDate day, Api api, boolean othersOnly) {
    long sum = 0;
    for (Map.Entry<Key, Long> e : reservations.entrySet()) {
      Key key = e.getKey();
      if (key.day().equals(day) && key.api() == api && !key.instance().equals(self)) {
        sum += e.getValue();
      }
    }
    if (!othersOnly) {
      Own mine = own.get(api);
      sum += day.equals(mine.day) ? Math.max(mine.reserved, mine.pendingSeq != 0 ? mine.pendingReserved : 0) : 0;
    }
    return sum;
  }

  /** This instance's state of {@code api} for {@code today}: a new day starts with nothing reserved or used. */
  private Own dayOf(Api api, LocalDate today) {
    Own mine = own.get(api);
    if (!today.equals(mine.day)) {
      mine.day = today;
      mine.reserved = 0;
      mine.used = 0;
      mine.pendingSeq = 0;
      mine.pendingReserved = 0;
      mine.short_ = false; // claims follow the calls asked for: an instance without work reserves nothing
    }
    return mine;
  }
}
