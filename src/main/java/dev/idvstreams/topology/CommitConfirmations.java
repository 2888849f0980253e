package dev.idvstreams.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Which bizIds' published events are known to be written: those published before a commit of the
 * stream thread that publishes them completed. A commit flushes the thread's producer, which every
 * task of the thread shares, before it completes, so every record sent before it has been
 * acknowledged; a commit that fails is not counted ({@link CommitCounter}). One per task, used on
 * its stream thread only.
 */
final class CommitConfirmations {

  private final LongSupplier commits;
  /** bizId → the thread's completed commits when its events were last published. */
  private final Map<String, Long> publishedAt = new HashMap<>();

  CommitConfirmations(LongSupplier commits) {
    this.commits = commits;
  }

  /** Events of this bizId were just published (again): they are confirmed by the next commit, not an earlier one. */
  void published(String bizId) {
    publishedAt.put(bizId, commits.getAsLong());
  }

  /** The bizIds whose events a commit has confirmed since they were published; each is returned once. */
  List<String> takeConfirmed() {
    if (publishedAt.isEmpty()) {
      return List.of();
    }
    long completed = commits.getAsLong();
    List<String> confirmed = new ArrayList<>();
    for (Iterator<Map.Entry<String, Long>> it = publishedAt.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> published = it.next();
      if (published.getValue() < completed) {
        confirmed.add(published.getKey());
        it.remove();
      }
    }
    return confirmed;
  }

  /** bizIds whose events wait for a commit. */
  int pending() {
    return publishedAt.size();
  }
}
