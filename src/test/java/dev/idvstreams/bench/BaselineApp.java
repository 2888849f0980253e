package dev.idvstreams.bench;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/** A baseline topology running in Kafka Streams: started, awaited until RUNNING, closed. */
final class BaselineApp implements AutoCloseable {

  private final KafkaStreams streams;

  private BaselineApp(KafkaStreams streams) {
    this.streams = streams;
  }

  static BaselineApp start(Topology topology, Properties props, Duration timeout) throws Exception {
    KafkaStreams streams = new KafkaStreams(topology, props);
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    streams.start();
    if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      streams.close(Duration.ofSeconds(10));
      throw new TimeoutException("baseline topology not RUNNING after " + timeout + ": " + streams.state());
    }
    return new BaselineApp(streams);
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
