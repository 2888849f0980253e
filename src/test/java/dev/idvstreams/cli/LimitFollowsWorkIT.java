package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.demo.SimulatorProcess;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.FreePort;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.simulator.ApiStats;
import dev.idvstreams.simulator.SimulatorOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The group's split of a limit follows the work, across processes: two instances of the jar in
 * one group, every request on the partitions of one of them. That one must get the whole limit
 * while the other, with nothing to do, gets none of it; before, each got the half its partitions
 * gave it, whatever waited there. Read from each instance's {@code idv_limit_part} gauge.
 */
@ExtendWith(KafkaExtension.class)
class LimitFollowsWorkIT {

  private static final int LIMIT = 10;
  private static final int PARTITIONS = 4;
  private static final int REQUESTS = 150;
  private static final Api API = Api.CREDENTIAL_VERIFY_INTL;

  @Test
  void shouldGiveTheWholeLimitToTheInstanceWhosePartitionsHaveTheWork(KafkaBootstrap kafka) throws Exception {
    List<String> simulate = new ArrayList<>(List.of("--latency-ms", "100", "--warm-up-calls", "3000"));
    Map<String, String> limits = new HashMap<>();
    for (Api api : Api.values()) {
      simulate.addAll(List.of("--qps", api.action() + "=" + LIMIT));
      limits.put("qps." + api.id(), String.valueOf(LIMIT));
    }
    // the requests, keyed by bizId, are read by the calling tasks themselves: their partitions are the work's
    limits.put("topic.requests.keyed-by-bizid", "true");
    // Two processor JVMs, the broker, the registry and the simulator share two cores with the build:
    // the simulator's receive times jitter by more than the default 20 ms (2 throttled answers in
    // a CI run, busiest window 10 of 10), as a slow network would; ScaleOutIT's guard absorbs it
    limits.put("qps.arrival-guard.ms", "80");
    // the simulator in a JVM of its own, as the provider is: in this one, beside the broker, a GC
    // pause bunched its receive times and drew throttled answers at the start (docs/simulator.md)
    try (SimulatorProcess provider = SimulatorProcess.start(Main.class.getName(), simulate,
            Files.createTempFile("idv-simulator-", ".log"), Duration.ofSeconds(120));
        ApicurioRegistry registry = ApicurioRegistry.shared();
        PipelineHarness it = new PipelineHarness(kafka, SimulatorOptions.builder(), registry.ccompatUrl(),
            PipelineHarness.calling(limits, provider), PARTITIONS)) {
      Map<String, Integer> ports = new HashMap<>();
      List<ProcessorProcess> instances = new ArrayList<>();
      try {
        for (String name : List.of("busy", "idle")) {
          Map<String, String> config = new HashMap<>(it.config());
          config.put("group.instance.id", name);
          ports.put(name, FreePort.pick());
          config.put("http.port", String.valueOf(ports.get(name)));
          instances.add(ProcessorProcess.start(name, config));
        }
        String applicationId = it.config().get("application.id");
        Set<Integer> busyPartitions = awaitCallingPartitions(kafka, applicationId, it.config().get("topic.requests"), "busy");

        List<VerificationRequest> batch = new ArrayList<>();
        for (int i = 0; batch.size() < REQUESTS; i++) {
          String bizId = "skew-" + i;
          if (busyPartitions.contains(Utils.toPositive(Utils.murmur2(bizId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS)) {
            batch.add(DemoBatch.credential(bizId, "clean"));
          }
        }
        it.sendRequests(batch);

        // while the work lasts (15 s at the limit): the whole limit on one side, nothing on the other
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
            limitPart(ports.get("busy")) == LIMIT && limitPart(ports.get("idle")) == 0);

        PipelineHarness.Events events = it.awaitEvents(REQUESTS, Duration.ofSeconds(120));
        events.assertEachEndedOnce(REQUESTS);
        ApiStats.Snapshot stats = provider.stats().get(API);
        long[] arrivals = provider.acceptedArrivals(API);
        double seconds = (arrivals[arrivals.length - 1] - arrivals[0]) / 1e9;
        System.out.printf("[limit-follows-work] %d calls in %.1f s from the first to the last: %.2f of the limit of %d;"
            + " busiest 1 s %d, throttled %d%n", arrivals.length, seconds, (arrivals.length - 1) / seconds / LIMIT, LIMIT,
            stats.maxCallsInAnyOneSecondWindow(), stats.throttled());
        assertThat(stats.maxCallsInAnyOneSecondWindow()).as("busiest 1-second window").isLessThanOrEqualTo(LIMIT);
        // Parts that overlapped (both instances at the whole limit) would draw about one throttled
        // answer per call over the limit, some 150 here. 1-2 came at the start of the calls in 2 of
        // 4 runs, the busiest window at 10 of 10, with the 80 ms guard too: not explained yet
        // (README, Known gaps), so tolerated and printed rather than hidden
        assertThat(stats.throttled()).as("throttled answers").isLessThanOrEqualTo(2);
        assertThat(stats.maxConcurrentCallsPerKey()).isLessThanOrEqualTo(1);
      } finally {
        for (ProcessorProcess instance : instances) {
          instance.close();
        }
      }
    }
  }

  /** The partitions of the calling topic the named member owns, once the group is stable with both members. */
  private static Set<Integer> awaitCallingPartitions(KafkaBootstrap kafka, String applicationId, String callingTopic,
      String member) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Map<String, Set<Integer>> owned = new HashMap<>();
      Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .ignoreExceptionsInstanceOf(ExecutionException.class).until(() -> {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId)).describedGroups()
            .get(applicationId).get(10, TimeUnit.SECONDS);
        owned.clear();
        for (MemberDescription m : group.members()) {
          String name = m.groupInstanceId().orElse("?").startsWith("busy") ? "busy" : "idle";
          owned.computeIfAbsent(name, k -> new TreeSet<>()).addAll(m.assignment().topicPartitions().stream()
              .filter(tp -> tp.topic().equals(callingTopic)).map(TopicPartition::partition).collect(Collectors.toSet()));
        }
        return owned.getOrDefault("busy", Set.of()).size() + owned.getOrDefault("idle", Set.of()).size() == PARTITIONS
            && !owned.getOrDefault("busy", Set.of()).isEmpty() && !owned.getOrDefault("idle", Set.of()).isEmpty();
      });
      return owned.get(member);
    }
  }

  private static final Pattern PART = Pattern.compile("idv_limit_part\\{api=\"" + API.id() + "\",?\\} (\\S+)");

  /** The member's {@code idv_limit_part} for the API, or -1 while its endpoint does not answer. */
  private static int limitPart(int port) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher part = PART.matcher(response.body());
      return part.find() ? (int) Double.parseDouble(part.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
