package dev.idvstreams.topology;

import dev.idvstreams.api.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Starts the waiting requests of an API in the order they arrived, across all the tasks of a
 * stream thread, so that no partition waits while another's newer requests are called.
 *
 * <p>Why: an API's capacity (its in-flight bound) is the instance's, shared by its tasks, and a
 * task takes a free slot when it processes a record or punctuates. Each task in turn taking what
 * was free let one partition's new records take every slot while another's requests, stored
 * during a rebalance, waited 12-27 s in the three-instance test. Here every request gets a ticket
 * when it starts to wait, and a free slot goes to the smallest ticket of the thread.
 *
 * <p>Stream thread only: each thread has its own line of tasks, as Kafka Streams runs a task's
 * processors on the thread that owns it (between threads of one instance, the order is each
 * thread's own).
 */
final class OldestFirst {

  /** One task's waiting requests. */
  interface Line {
    /** The smallest ticket waiting for the API in this task, or {@link Long#MAX_VALUE}. */
    long headTicket(Api api);

    /** Starts that request (or drops it if it no longer waits); false when this task can start none now. */
    boolean startHead(Api api);
  }

  private final AtomicLong tickets = new AtomicLong();
  private final ThreadLocal<List<Line>> lines = ThreadLocal.withInitial(ArrayList::new);

  /** The ticket of a request that starts to wait now: larger than every one given before. */
  long nextTicket() {
    return tickets.incrementAndGet();
  }

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

  /** Starts the API's waiting requests of the calling thread's tasks, smallest ticket first, while there is capacity. */
  void serve(Api api, BooleanSupplier capacity) {
    List<Line> mine = lines.get();
    List<Line> stuck = new ArrayList<>(0);
    while (capacity.getAsBoolean()) {
      Line oldest = null;
      long smallest = Long.MAX_VALUE;
      for (Line line : mine) {
        long ticket = line.headTicket(api);
        if (ticket < smallest && !stuck.contains(line)) {
          smallest = ticket;
          oldest = line;
        }
      }
      if (oldest == null) {
        return;
      }
      if (!oldest.startHead(api)) {
        stuck.add(oldest); // its own slots are full until it drains its completions
      }
    }
  }
}
