package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.embedded.FreePort;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The shaded jar's {@code kafka} command, run as an operator would: a separate process, stopped with SIGTERM. */
class KafkaCommandIT {

  @Test
  void shouldServeKafkaClientsAndStopOnSigterm() throws Exception {
    Path jar = Path.of(System.getProperty("idv.jar", "target/idv-streams.jar"));
    int port = FreePort.pick();
    Path dataDir = Files.createTempDirectory("kafka-cmd-");
    Process broker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-jar", jar.toString(), "kafka", "--port", String.valueOf(port), "--data-dir", dataDir.toString())
        .redirectErrorStream(true).start();
    try {
      BufferedReader output = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
      String ready = Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> readLineContaining(output, "ready"), l -> l != null);
      assertThat(ready).contains("bootstrap.servers=127.0.0.1:" + port);

      String bootstrap = "127.0.0.1:" + port;
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        admin.createTopics(List.of(new NewTopic("cmd-topic", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        assertThat(admin.listTopics().names().get()).contains("cmd-topic");
      }
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
          new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("cmd-topic", "k", "v")).get(30, TimeUnit.SECONDS);
      }
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
          "group.id", "cmd-test", "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of("cmd-topic"));
        ConsumerRecords<String, String> records = Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> consumer.poll(Duration.ofMillis(200)), r -> !r.isEmpty());
        assertThat(records.iterator().next().value()).isEqualTo("v");
      }

      long stopAsked = System.nanoTime();
      broker.destroy(); // SIGTERM
      assertThat(broker.waitFor(15, TimeUnit.SECONDS)).as("broker stopped within 15 s of SIGTERM").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - stopAsked)).isLessThan(Duration.ofSeconds(15));
    } finally {
      broker.destroyForcibly();
    }
  }

  private static String readLineContaining(BufferedReader output, String text) throws java.io.IOException {
    String line;
    while ((line = output.readLine()) != null) {
      if (line.contains(text)) {
        return line;
      }
    }
    return null;
  }
}
