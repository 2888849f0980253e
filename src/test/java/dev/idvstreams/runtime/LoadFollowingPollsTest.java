package dev.idvstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LoadFollowingPollsTest {

  private final List<Duration> polls = new ArrayList<>();
  private final MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest") {
    @Override
    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      polls.add(timeout);
      return ConsumerRecords.empty();
    }
  };
  private final AtomicBoolean busy = new AtomicBoolean();
  private final Consumer<byte[], byte[]> consumer = LoadFollowingPolls.pollingByLoad(mock, busy::get, Duration.ofMillis(10));

  @Test
  void shouldPollForTheWholeTimeoutWhileIdleAndBrieflyWhileBusy() {
    consumer.poll(Duration.ofMillis(500));
    busy.set(true);
    consumer.poll(Duration.ofMillis(500));
    consumer.poll(Duration.ZERO);
    busy.set(false);
    consumer.poll(Duration.ofMillis(500));
    assertThat(polls).containsExactly(Duration.ofMillis(500), Duration.ofMillis(10), Duration.ZERO, Duration.ofMillis(500));
  }

  @Test
  void shouldPassEveryOtherMethodOn() {
    TopicPartition partition = new TopicPartition("t", 0);
    consumer.assign(List.of(partition));
    assertThat(consumer.assignment()).isEqualTo(Set.of(partition));
    consumer.close();
    assertThat(mock.closed()).isTrue();
    assertThat(consumer).isEqualTo(consumer).isNotEqualTo(mock);
  }
}
