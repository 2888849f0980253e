package dev.idvstreams.bench;

import dev.idvstreams.cli.ProcessorProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/**
 * Processor JVMs of one group in a bench stage: started by member id, their CPU time read from
 * {@code /proc} (Linux), the calling partitions each owns read from the group coordinator.
 */
final class ProcessGroup implements AutoCloseable {

  private final BenchStage stage;
  private final Map<String, ProcessorProcess> members = new LinkedHashMap<>();
  /** CPU seconds of members that have exited, counted when they stopped. */
  private double exitedCpuSeconds;
  private static final double CLOCK_TICKS = 100.0; // USER_HZ on Linux

  ProcessGroup(BenchStage stage) {
    this.stage = stage;
  }

  ProcessorProcess start(String memberId) throws IOException {
    Map<String, String> config = stage.instanceProperties(memberId);
    // the member's clients are named after it: how the coordinator's description names it, under either protocol
    config.put("kafka.client.id", memberId);
    ProcessorProcess process = ProcessorProcess.start(memberId, config);
    members.put(memberId, process);
    return process;
  }

  void terminate(String memberId) throws InterruptedException {
    ProcessorProcess process = members.get(memberId);
    double cpu = cpuSeconds(process);
    process.terminate();
    process.awaitExit(Duration.ofSeconds(40));
    exitedCpuSeconds += Math.max(cpu, 0);
    members.remove(memberId);
    process.close();
  }

  void kill(String memberId) throws InterruptedException {
    ProcessorProcess process = members.remove(memberId);
    exitedCpuSeconds += Math.max(cpuSeconds(process), 0);
    process.kill();
    process.close();
  }

  /** CPU seconds (user + system) of every member so far: the running ones now, the others when they stopped. */
  double cpuSeconds() {
    double total = exitedCpuSeconds;
    for (ProcessorProcess process : members.values()) {
      total += Math.max(cpuSeconds(process), 0);
    }
    return total;
  }

  private static double cpuSeconds(ProcessorProcess process) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Waits until the group has exactly these members, each owning partitions of the calling topic
   * (the calling sub-topology's tasks under {@code group.protocol=streams}), and returns the
   * calling partitions each owns.
   */
  Map<String, Set<Integer>> awaitCallingPartitions(Set<String> expected, Duration timeout) throws Exception {
    String group = stage.config().applicationId();
    boolean streamsProtocol = stage.config().streamsGroupProtocol();
    String callingTopic = stage.config().requestsKeyedByBizId() ? stage.config().requestsTopic()
        : group + "-by-bizid-repartition";
    String callingSubtopology = stage.config().requestsKeyedByBizId() ? "0" : "1";
    Map<String, Set<Integer>> owned = new HashMap<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stage.bootstrapServers()))) {
      Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(250))
          .ignoreExceptionsInstanceOf(ExecutionException.class).until(() -> {
            owned.clear();
            if (streamsProtocol) {
              StreamsGroupDescription description = admin.describeStreamsGroups(List.of(group)).describedGroups()
                  .get(group).get(10, TimeUnit.SECONDS);
              for (StreamsGroupMemberDescription member : description.members()) {
                Set<Integer> partitions = owned.computeIfAbsent(memberOf(member.clientId(), expected), k -> new TreeSet<>());
                member.assignment().activeTasks().stream().filter(t -> t.subtopologyId().equals(callingSubtopology))
                    .forEach(t -> partitions.addAll(t.partitions()));
              }
            } else {
              ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups()
                  .get(group).get(10, TimeUnit.SECONDS);
              for (MemberDescription member : description.members()) {
                owned.computeIfAbsent(memberOf(member.clientId(), expected), k -> new TreeSet<>())
                    .addAll(member.assignment().topicPartitions().stream()
                        .filter(tp -> tp.topic().equals(callingTopic)).map(TopicPartition::partition).toList());
              }
            }
            return owned.keySet().equals(expected) && owned.values().stream().noneMatch(Set::isEmpty);
          });
    }
    return owned;
  }

  /** Kafka Streams names a thread's clients after the client id: {@code m1-StreamThread-1-consumer}. */
  private static String memberOf(String clientId, Set<String> expected) {
    return expected.stream().filter(id -> clientId.startsWith(id + "-")).findFirst().orElse(clientId);
  }

  List<ProcessorProcess> running() {
    return new ArrayList<>(members.values());
  }

  @Override
  public void close() throws InterruptedException {
    for (String id : new ArrayList<>(members.keySet())) {
      terminate(id);
    }
  }
}
