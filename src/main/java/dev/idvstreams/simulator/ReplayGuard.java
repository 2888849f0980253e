package dev.idvstreams.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's replay checks on a correctly signed call: its timestamp within 15 minutes of now
 * ({@code InvalidTimeStamp.Expired}, or {@code InvalidTimeStamp.Format}) and its nonce not seen in
 * that time ({@code SignatureNonceUsed}).
 */
final class ReplayGuard {

  static final Duration TOLERANCE = Duration.ofMinutes(15);

  /** Nonce to the time it was seen, oldest first, so that expired ones are dropped from the head. */
  private final LinkedHashMap<String, Instant> nonces = new LinkedHashMap<>();

  synchronized Optional<String> check(String timestamp, String nonce, Instant now) {
    if (timestamp == null || nonce == null || nonce.isEmpty()) {
      return Optional.of("IncompleteSignature");
    }
    Instant sent;
    try {
      sent = Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return Optional.of("InvalidTimeStamp.Format");
    }
    if (Duration.between(sent, now).abs().compareTo(TOLERANCE) > 0) {
      return Optional.of("InvalidTimeStamp.Expired");
    }
    for (Iterator<Map.Entry<String, Instant>> oldest = nonces.entrySet().iterator(); oldest.hasNext(); ) {
      if (Duration.between(oldest.next().getValue(), now).compareTo(TOLERANCE) <= 0) {
        break;
      }
      oldest.remove();
    }
    if (nonces.putIfAbsent(nonce, now) != null) {
      return Optional.of("SignatureNonceUsed");
    }
    return Optional.empty();
  }
}
