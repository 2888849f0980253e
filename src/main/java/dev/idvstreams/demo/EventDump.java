package dev.idvstreams.demo;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.VerificationResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What {@code demo --dump-dir} keeps for a reader who wants to check what the processor exposed:
 * every terminal event as its consumers see it (key, headers, a result whole, a dead letter's
 * stage, code and message, not the request it carries for replay) in {@code events.txt}, and the
 * last scrape of {@code /metrics} in {@code metrics.txt}. The secrets scan test reads both.
 */
public final class EventDump implements AutoCloseable {

  private final Path dir;
  private final BufferedWriter events;

  public EventDump(Path dir) {
    try {
      this.dir = Files.createDirectories(dir);
      this.events = Files.newBufferedWriter(dir.resolve("events.txt"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the dump into " + dir, e);
    }
  }

  /** One terminal event: {@code decoded} is its {@link VerificationResult} or {@link DeadLetter}. */
  public void event(ConsumerRecord<String, byte[]> record, Object decoded) {
    StringBuilder line = new StringBuilder(record.topic()).append(" key=").append(record.key());
    for (Header header : record.headers()) {
      line.append(" header ").append(header.key()).append('=')
          .append(header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
    }
    if (decoded instanceof DeadLetter letter) {
      line.append(" stage=").append(letter.getStage()).append(" code=").append(letter.getErrorCode())
          .append(" message=").append(letter.getErrorMessage());
    } else {
      line.append(" value=").append(decoded);
    }
    try {
      events.write(line.append('\n').toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes what {@code http://127.0.0.1:port/metrics} answers now. */
  public void metrics(int port) {
    try {
      HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      Files.writeString(dir.resolve("metrics.txt"), scrape.body(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot scrape the metrics", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while scraping the metrics", e);
    }
  }

  @Override
  public void close() {
    try {
      events.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
