package dev.idvstreams.cli;

import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.kafka.ClusterCheck;
import dev.idvstreams.jsonl.RequestFile;
import dev.idvstreams.jsonl.RequestJson;
import dev.idvstreams.operator.OperatorClients;
import dev.idvstreams.serde.AvroSerde;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code produce --file F.jsonl}: requests given as JSON lines onto the request topic, keyed by
 * bizId. The whole file is read and checked first; by default one bad line means nothing is sent,
 * so that a corrected file can simply be produced again.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
  description = "Publish verification requests given as JSON lines (format: README, \"The request format\") to the request topic.")
final class ProduceCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Option(names = "--file", required = true, paramLabel = "F.jsonl", description = "One request per line; - reads standard input.")
  String file;

  @Option(names = "--skip-invalid",
    description = "Send the valid lines even when some are invalid (the exit code is still 1). Default: send nothing if any line is invalid.")
  boolean skipInvalid;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    IdvConfig settings = config.load();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RequestFile requests;
    try (InputStream input = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
      requests = RequestFile.read(input, new RequestJson(Clock.systemUTC()));
    } catch (NoSuchFileException e) {
      err.println("no such file: " + file);
      return 1;
    }
    requests.problems().forEach(problem -> err.println("line " + problem.number() + ": " + problem.message()));
    if (!requests.problems().isEmpty() && !skipInvalid) {
      out.println("sent 0 requests: " + requests.problems().size() + " invalid line(s), nothing sent (--skip-invalid sends the valid ones)");
      return 1;
    }
    ClusterCheck.reach(settings.kafkaClientProperties(), ClusterCheck.DEFAULT_TIMEOUT);
    Map<Integer, String> failed = send(settings, requests);
    failed.forEach((line, problem) -> err.println("line " + line + ": not sent: " + problem));
    int sent = requests.requests().size() - failed.size();
    out.println("sent " + sent + " request(s) to " + settings.requestsTopic() + "; invalid lines: " + requests.problems().size()
      + ", failed to send: " + failed.size());
    out.flush();
    err.flush();
    return requests.problems().isEmpty() && failed.isEmpty() ? 0 : 1;
  }

  /** Sends every request; returns the lines whose send failed, with the reason. */
  private static Map<Integer, String> send(IdvConfig settings, RequestFile requests) {
    Map<Integer, String> failed = new ConcurrentSkipListMap<>();
    AvroSerde<VerificationRequest> serde = AvroSerde.forValues(VerificationRequest.class, OperatorClients.registry(settings));
    String topic = settings.requestsTopic();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(OperatorClients.producerProperties(settings, "idv-produce"),
        new StringSerializer(), new ByteArraySerializer())) {
      for (RequestFile.Line line : requests.requests()) {
        VerificationRequest request = line.request();
        byte[] value;
        try {
          value = serde.serialize(topic, request);
        } catch (RuntimeException e) {
          // the registry cannot be reached or refuses the schema: the lines after it would fail alike
          failed.put(line.number(), String.valueOf(e.getMessage()));
          requests.requests().stream().filter(rest -> rest.number() > line.number())
            .forEach(rest -> failed.put(rest.number(), "not attempted after line " + line.number() + " failed"));
          break;
        }
        producer.send(new ProducerRecord<>(topic, request.getBizId(), value), (metadata, error) -> {
          if (error != null) {
            failed.put(line.number(), String.valueOf(error.getMessage()));
          }
        });
      }
      producer.flush();
    }
    return failed;
  }
}
