package dev.idvstreams.kafka;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Every ACL the processor's principal needs on a cluster with an authorizer, and why: the one list
 * that docs/security.md's ACL table is generated from, that {@link AccessCheck} checks at start,
 * and that the ACL test grants (and takes away, one at a time).
 *
 * <p>Topics and transactional ids of Kafka Streams' own (changelog, repartition) and of the
 * processor's (the limit-share, budget and control logs) all begin with {@code <application.id>-},
 * so one prefixed ACL covers them, whatever topology version made them.
 */
public final class AclPlan {

  /** One ACL: an operation allowed on a resource pattern, and what it is for. */
  public record Need(ResourceType type, String name, PatternType pattern, AclOperation operation, boolean optional,
      String why) {

    /** The binding that grants this to {@code principal} ({@code User:name}) from any host. */
    public AclBinding binding(String principal) {
      return new AclBinding(new ResourcePattern(type, name, pattern),
          new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /** How an operator grants it with Kafka's own tool, for error messages and the docs. */
    public String kafkaAclsOption() {
      String resource = switch (type) {
        case TOPIC -> "--topic " + name;
        case GROUP -> "--group " + name;
        case TRANSACTIONAL_ID -> "--transactional-id " + name;
        case CLUSTER -> "--cluster";
        default -> type + " " + name;
      };
      return "--operation " + operationName(operation) + " " + resource
          + (pattern == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
    }
  }

  private AclPlan() {}

  /**
   * What the processor of {@code applicationId} needs to read {@code requests} and write
   * {@code results} and {@code deadLetters}.
   *
   * @param transactional whether it writes under exactly_once_v2 (the default), which needs its transactional ids
   */
  public static List<Need> processor(String applicationId, String requests, String results, String deadLetters,
      boolean transactional) {
    String internal = applicationId + "-";
    List<Need> needs = new ArrayList<>();
    needs.add(topic(requests, AclOperation.READ, "read the requests (implies DESCRIBE)"));
    for (String written : List.of(results, deadLetters)) {
      needs.add(topic(written, AclOperation.WRITE, "write the results and dead letters (implies DESCRIBE)"));
      needs.add(new Need(ResourceType.TOPIC, written, PatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS, true,
          "read the topic's max.message.bytes at start (without it: Kafka's default, 1 MiB, assumed, with a warning)"));
    }
    for (AclOperation operation : List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE,
        AclOperation.DESCRIBE_CONFIGS, AclOperation.DELETE)) {
      // Create is asked by creating: an operator may make the topics, and a cluster-wide Create serves too
      needs.add(new Need(ResourceType.TOPIC, internal, PatternType.PREFIXED, operation, operation == AclOperation.CREATE,
          switch (operation) {
        case CREATE -> "create the changelog, repartition, limit-share, budget and control topics (not needed when an operator made them; without it and them, the start stops naming the topic)";
        case READ, WRITE -> "read and write those topics (implies DESCRIBE)";
        case DESCRIBE_CONFIGS -> "Kafka Streams checks its internal topics' configuration";
        default -> "Kafka Streams deletes the repartition topics' consumed records";
      }));
    }
    needs.add(new Need(ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ, false,
        "join the consumer group, commit offsets, and watch its rebalances (implies DESCRIBE)"));
    if (transactional) {
      needs.add(new Need(ResourceType.TRANSACTIONAL_ID, internal, PatternType.PREFIXED, AclOperation.WRITE, false,
          "write transactionally under exactly_once_v2 (ids <application.id>-<process>-<thread>; implies DESCRIBE)"));
    }
    needs.add(new Need(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS, true,
        "read the broker's message.max.bytes at start (without it: 1 MiB assumed, with a warning)"));
    return List.copyOf(needs);
  }

  private static Need topic(String name, AclOperation operation, String why) {
    return new Need(ResourceType.TOPIC, name, PatternType.LITERAL, operation, false, why);
  }

  /** The operation as kafka-acls spells it: {@code DescribeConfigs}, {@code Read}. */
  static String operationName(AclOperation operation) {
    StringBuilder name = new StringBuilder();
    for (String word : operation.name().split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return name.toString();
  }
}
