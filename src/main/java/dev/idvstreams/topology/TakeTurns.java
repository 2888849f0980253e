package dev.idvstreams.topology;

import dev.idvstreams.api.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Starts the waiting requests of an API by turns across the tasks of a stream thread: one call
 * per task with a request waiting, then the next task, so that no partition waits while another's
 * requests are called.
 *
 * <p>Why: an API's capacity (its in-flight bound) is the instance's, shared by its tasks, and a
 * task takes a free slot when it processes a record or punctuates. With each task taking what was
 * free when its turn in Kafka Streams' loop came, one partition's new records took every slot
 * while another's requests, stored during a rebalance, waited 12-27 s in the three-instance test.
 * Turns rather than arrival order: a task that moves to this instance brings its waiting requests
 * with it, and they must not queue behind every request this instance already had.
 *
 * <p>And a task with requests waiting and none started gets one even when the bound is taken,
 * below the API's {@code in-flight.max}: the bound follows the instance's part of the limit, and
 * when it falls (the first answer ends the cold start's 5 s of calls, a part given to a member
 * that joins) the requests already started hold every slot until they have been called, one part
 * at a time. In the rolling benchmark one task took 8 of the 10 slots of a cold start before the
 * other task's records were read, and that task's partition then went 9-10 s without a call (at
 * TRACE, bench/); its one request takes its turn for tokens ({@code async/PermitQueue}) beside
 * the other task's.
 *
 * <p>Stream thread only: each thread has its own round of tasks, as Kafka Streams runs a task's
 * processors on the thread that owns it (threads of one instance share the capacity first come,
 * first served).
 */
final class TakeTurns {

  /** One task's waiting requests. */
  interface Line {
    /** Starts this task's next waiting request of the API; false when it has none or its own slots are full. */
    boolean startNext(Api api);

    /** Whether this task has requests of the API waiting and none started. */
    boolean waitsWithNoneStarted(Api api);
  }

  private final ThreadLocal<List<Line>> lines = ThreadLocal.withInitial(ArrayList::new);
  /** Per thread and API, the task whose turn is next. */
  private final ThreadLocal<int[]> next = ThreadLocal.withInitial(() -> new int[Api.values().length]);

  /** A task of the calling thread starts to take part (its processor's init). */
  void join(Line line) {
    List<Line> mine = lines.get();
    if (!mine.contains(line)) {
      mine.add(line);
    }
  }

  /** The task's processor closes. */
  void leave(Line line) {
    lines.get().remove(line);
  }

  /**
   * Starts the API's waiting requests of the calling thread's tasks, one per task in turn, while
   * there is capacity; then one for each task that has none started, while below the hard cap.
   */
  void serve(Api api, BooleanSupplier capacity, BooleanSupplier belowMax) {
    List<Line> mine = lines.get();
    int[] turn = next.get();
    int passed = 0; // tasks in a row that started nothing: when all have, none can
    while (passed < mine.size() && capacity.getAsBoolean()) {
      Line line = mine.get(turn[api.ordinal()] % mine.size());
      turn[api.ordinal()] = (turn[api.ordinal()] + 1) % mine.size();
      passed = line.startNext(api) ? 0 : passed + 1;
    }
    // from the task whose turn is next, so that when the cap stops it the same tasks do not always win
    for (int k = 0; k < mine.size(); k++) {
      Line line = mine.get((turn[api.ordinal()] + k) % mine.size());
      if (line.waitsWithNoneStarted(api) && belowMax.getAsBoolean()) {
        line.startNext(api);
      }
    }
  }
}
