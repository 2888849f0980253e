package dev.idvstreams.runtime;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.processor.internals.DefaultKafkaClientSupplier;

/**
 * Kafka Streams' clients, with a main consumer whose {@code poll} follows the load: while the
 * instance has work that only a punctuation moves on (calls in flight whose answers are forwarded
 * between polls, requests waiting for room, a rebalance), a poll waits at most {@code busyPoll};
 * otherwise it waits the configured {@code poll.ms}, a long one, since a record that arrives ends
 * the poll at once anyway. Kafka Streams' {@code poll.ms} is a static setting, and a short one kept
 * an idle stream thread looping 100 times a second ({@code docs/performance.md}, "CPU: idle and
 * per call").
 *
 * <p>Whether there is work is asked as each poll starts; calls start only on the stream thread, so
 * none can start while its thread waits in a long poll: a thread that enters a poll with nothing
 * in flight has nothing to forward before a record arrives.
 *
 * <p>Only the classic group protocol takes its main consumer from a client supplier; under
 * {@code group.protocol=streams} Kafka Streams builds its own and {@code poll.ms} applies as set.
 */
final class LoadFollowingPolls implements KafkaClientSupplier {

  private final KafkaClientSupplier clients = new DefaultKafkaClientSupplier();
  private final BooleanSupplier busy;
  private final Duration busyPoll;

  /**
   * @param busy whether the instance has work that needs short polls; called on the stream thread at each poll
   * @param busyPoll the longest poll then
   */
  LoadFollowingPolls(BooleanSupplier busy, Duration busyPoll) {
    this.busy = busy;
    this.busyPoll = busyPoll;
  }

  @Override
  public Admin getAdmin(Map<String, Object> config) {
    return clients.getAdmin(config);
  }

  @Override
  public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
    return clients.getProducer(config);
  }

  @Override
  public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
    return pollingByLoad(clients.getConsumer(config), busy, busyPoll);
  }

  @Override
  public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
    return clients.getRestoreConsumer(config);
  }

  @Override
  public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
    return clients.getGlobalConsumer(config);
  }

  /** {@code consumer}, its {@code poll(Duration)} shortened to {@code busyPoll} while {@code busy}; every other method as it is. */
  @SuppressWarnings("unchecked")
  static <K, V> Consumer<K, V> pollingByLoad(Consumer<K, V> consumer, BooleanSupplier busy, Duration busyPoll) {
    Method poll;
    try {
      poll = Consumer.class.getMethod("poll", Duration.class);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.equals(poll)) {
        Duration timeout = (Duration) args[0];
        return consumer.poll(busy.getAsBoolean() && timeout.compareTo(busyPoll) > 0 ? busyPoll : timeout);
      }
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> "LoadFollowingPolls(" + consumer + ")";
        };
      }
      try {
        return method.invoke(consumer, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (Consumer<K, V>) Proxy.newProxyInstance(Consumer.class.getClassLoader(), new Class<?>[] {Consumer.class}, handler);
  }
}
