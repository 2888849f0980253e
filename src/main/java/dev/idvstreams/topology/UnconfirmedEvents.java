package dev.idvstreams.topology;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.VerificationRequest;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The events an ended call keeps in its store entry until a commit confirms them (at_least_once),
 * in a form that keeps the entry under the record limit. A failed call publishes one dead letter
 * per parked exact duplicate, each with the whole request (so that any of them can be replayed);
 * kept that way, a large request with two duplicates made a 1.8 MB entry that Kafka refused. So
 * only the first dead letter of a call keeps the request, the duplicates' copies (which follow it,
 * and whose request is the same, being exact duplicates) keep none, and get it back when they are
 * published again.
 */
final class UnconfirmedEvents {

  private UnconfirmedEvents() {}

  /** {@code events} of one ended call (the call's own first, then its parked duplicates') as the entry keeps them. */
  static List<SpecificRecord> compact(List<SpecificRecord> events) {
    List<SpecificRecord> kept = new ArrayList<>(events.size());
    boolean requestKept = false;
    for (SpecificRecord event : events) {
      if (event instanceof DeadLetter letter && letter.getRequest() != null) {
        if (requestKept) {
          event = DeadLetter.newBuilder(letter).setRequest(null).build();
        }
        requestKept = true;
      }
      kept.add(event);
    }
    return kept;
  }

  /** The kept events as they were published: each dead letter without a request takes the one of the dead letter before it. */
  static List<SpecificRecord> whole(List<Object> kept) {
    List<SpecificRecord> events = new ArrayList<>(kept.size());
    VerificationRequest last = null;
    for (Object event : kept) {
      if (event instanceof DeadLetter letter) {
        if (letter.getRequest() != null) {
          last = letter.getRequest();
        } else if (last != null) {
          event = DeadLetter.newBuilder(letter).setRequest(last).build();
        }
      }
      events.add((SpecificRecord) event);
    }
    return events;
  }
}
