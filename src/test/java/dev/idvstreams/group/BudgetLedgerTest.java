package dev.idvstreams.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BudgetLedgerTest {

  private static final Api API = Api.VERIFY_MATERIAL;
  private static final LocalDate DAY = LocalDate.of(2026, 12, 7);

  /** The budget log: records in one order, each instance reading them in it. */
  private static final class Log {
    final List<Map.Entry<BudgetLedger.Key, BudgetLedger.Reservation>> records = new ArrayList<>();

    void write(Optional<Map.Entry<BudgetLedger.Key, BudgetLedger.Reservation>> record) {
      record.ifPresent(records::add);
    }
  }

  /** One instance: its ledger and how far it has read the log. */
  private static final class Instance {
    final BudgetLedger ledger;
    int read;
    long taken;

    Instance(String name) {
      ledger = new BudgetLedger(name);
    }

    /** Reads the log up to {@code upTo} records, writing its withdrawals. */
    void read(Log log, int upTo, long budget) {
      while (read < Math.min(upTo, log.records.size())) {
        var record = log.records.get(read++);
        ledger.onRecord(record.getKey(), record.getValue(), budget)
            .ifPresent(withdrawal -> log.records.add(Map.entry(record.getKey(), withdrawal)));
      }
    }
  }

  @Test
  void shouldCallNoMoreThanTheBudgetAloneAndResumeWhenItIsRaised() {
    Log log = new Log();
    Instance one = new Instance("one");
    assertThat(one.ledger.tryTake(API, DAY, 50)).as("nothing reserved yet").isFalse();

    log.write(one.ledger.claim(API, DAY, 20, 50));
    assertThat(one.ledger.tryTake(API, DAY, 50)).as("a claim not read back yet").isFalse();
    one.read(log, Integer.MAX_VALUE, 20);
    int taken = 0;
    while (one.ledger.tryTake(API, DAY, 50)) {
      taken++;
    }
    assertThat(taken).isEqualTo(20);
    assertThat(one.ledger.claim(API, DAY, 20, 50)).as("none left to claim").isEmpty();
    assertThat(one.ledger.spent(API, DAY, 20)).isTrue();

    assertThat(one.ledger.spent(API, DAY, 25)).as("raised: not spent").isFalse();
    log.write(one.ledger.claim(API, DAY, 25, 50));
    one.read(log, Integer.MAX_VALUE, 25);
    while (one.ledger.tryTake(API, DAY, 50)) {
      taken++;
    }
    assertThat(taken).isEqualTo(25);
  }

  @Test
  void shouldStartEachDayWithTheWholeBudget() {
    Log log = new Log();
    Instance one = new Instance("one");
    assertThat(one.ledger.claim(API, DAY, 3, 10)).as("no call asked for: nothing claimed").isEmpty();
    assertThat(one.ledger.tryTake(API, DAY, 10)).isFalse();
    log.write(one.ledger.claim(API, DAY, 3, 10));
    one.read(log, Integer.MAX_VALUE, 3);
    while (one.ledger.tryTake(API, DAY, 10)) {
      one.taken++;
    }
    LocalDate next = DAY.plusDays(1);
    assertThat(one.ledger.spent(API, next, 3)).isFalse();
    assertThat(one.ledger.tryTake(API, next, 10)).isFalse();
    log.write(one.ledger.claim(API, next, 3, 10));
    one.read(log, Integer.MAX_VALUE, 3);
    while (one.ledger.tryTake(API, next, 10)) {
      one.taken++;
    }
    assertThat(one.taken).isEqualTo(6);
  }

  @Test
  void shouldLetTheLaterOfTwoClaimsThatWouldOverspendFailAndClaimWhatIsLeft() {
    Log log = new Log();
    Instance a = new Instance("a");
    Instance b = new Instance("b");
    a.ledger.tryTake(API, DAY, 8);
    b.ledger.tryTake(API, DAY, 8);
    log.write(a.ledger.claim(API, DAY, 10, 8)); // 8
    log.write(b.ledger.claim(API, DAY, 10, 8)); // 8: written before it read a's
    a.read(log, Integer.MAX_VALUE, 10);
    b.read(log, Integer.MAX_VALUE, 10);
    a.read(log, Integer.MAX_VALUE, 10);
    assertThat(take(a, 8)).isEqualTo(8);
    assertThat(take(b, 8)).as("b's claim came second: withdrawn").isZero();
    log.write(b.ledger.claim(API, DAY, 10, 8)); // what is left: 2
    b.read(log, Integer.MAX_VALUE, 10);
    assertThat(take(b, 8)).isEqualTo(2);
  }

  @Test
  void shouldGiveBackWhatItReservedAndDidNotCallOnceItsWorkRanOut() {
    Log log = new Log();
    Instance a = new Instance("a");
    Instance b = new Instance("b");
    long t0 = 0;
    a.ledger.tryTake(API, DAY, 10, t0);
    log.write(a.ledger.claim(API, DAY, 10, 10)); // the whole budget: 10
    a.read(log, Integer.MAX_VALUE, 10);
    for (int i = 0; i < 3; i++) {
      assertThat(a.ledger.tryTake(API, DAY, 10, t0)).isTrue();
    }
    assertThat(b.ledger.tryTake(API, DAY, 10, t0)).isFalse();
    b.read(log, Integer.MAX_VALUE, 10);
    assertThat(b.ledger.claim(API, DAY, 10, 10)).as("all reserved by a").isEmpty();
    assertThat(a.ledger.giveBack(API, DAY, t0 + BudgetLedger.GIVE_BACK_AFTER_NANOS - 1)).as("a called just now").isEmpty();

    log.write(a.ledger.giveBack(API, DAY, t0 + BudgetLedger.GIVE_BACK_AFTER_NANOS));
    b.read(log, Integer.MAX_VALUE, 10);
    log.write(b.ledger.claim(API, DAY, 10, 10));
    b.read(log, Integer.MAX_VALUE, 10);
    a.read(log, Integer.MAX_VALUE, 10);
    assertThat(take(b, 10)).as("what a did not call: 10 - 3").isEqualTo(7);
    assertThat(take(a, 10)).isZero();
  }

  /** Random instances, claims, reads and calls, the log read late: the calls of a day never add up past the budget. */
  @Test
  void shouldNeverLetTheGroupCallMoreThanTheBudgetWhateverTheInterleaving() {
    for (int seed = 0; seed < 300; seed++) {
      Random random = new Random(seed);
      long budget = 1 + random.nextInt(60);
      long block = 1 + random.nextInt(20);
      Log log = new Log();
      List<Instance> instances = new ArrayList<>();
      for (int i = 0; i < 2 + random.nextInt(4); i++) {
        instances.add(new Instance("i" + i));
      }
      for (int step = 0; step < 2_000; step++) {
        Instance instance = instances.get(random.nextInt(instances.size()));
        long now = step * 100_000_000L; // 0.1 s a step: give-backs happen
        switch (random.nextInt(4)) {
          case 0 -> log.write(instance.ledger.claim(API, DAY, budget, block));
          case 1 -> instance.read(log, instance.read + 1 + random.nextInt(3), budget);
          case 2 -> log.write(instance.ledger.giveBack(API, DAY, now));
          default -> {
            if (instance.ledger.tryTake(API, DAY, block, now)) {
              instance.taken++;
            }
          }
        }
      }
      for (Instance instance : instances) {
        instance.read(log, Integer.MAX_VALUE, budget);
      }
      long taken = instances.stream().mapToLong(i -> i.taken).sum();
      assertThat(taken).as("seed %d: calls against a budget of %d", seed, budget).isLessThanOrEqualTo(budget);
      if (seed == 0) {
        assertThat(taken).as("the budget is used, not only kept").isPositive();
      }
    }
  }

  private static int take(Instance instance, long block) {
    int taken = 0;
    while (instance.ledger.tryTake(API, DAY, block)) {
      taken++;
    }
    return taken;
  }
}
