package dev.idvstreams.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks at start that the principal holds every ACL of an {@link AclPlan} that is not optional,
 * so that a missing one stops the processor at once with the resource named, instead of failing a
 * stream thread later with Kafka's "Not authorized" and no name, or a transactional producer with
 * none at all.
 *
 * <p>Topics and the group are asked with Kafka's own {@code includeAuthorizedOperations} (the
 * broker answers what the caller may do; a broker without an authorizer answers "everything"). A
 * group that does not exist yet cannot be asked (Kafka answers "no such group" to whoever may
 * describe it): its first join asks, and the stream thread's failure names it. A
 * prefixed topic ACL is asked of topics under the prefix that exist by then (the processor's own
 * logs, created just before). A transactional-id prefix cannot be asked: a producer with an id
 * under the prefix initialises its transactions once, which is what Kafka Streams' producers do
 * first.
 */
public final class AccessCheck {

  private static final Logger LOG = LoggerFactory.getLogger(AccessCheck.class);
  private static final String PROBE_ID_SUFFIX = "access-check";

  private AccessCheck() {}

  /**
   * @param needs what the principal must hold
   * @param prefixedTopics existing topics under each prefixed topic ACL of {@code needs}, to ask for it
   * @param clientProperties how to reach the cluster, for the transactional-id probe
   * @throws KafkaAccessException naming the first resource whose ACL is missing, with the kafka-acls option that grants it
   */
  public static void check(Admin admin, List<AclPlan.Need> needs, Collection<String> prefixedTopics,
      Map<String, Object> clientProperties, Duration timeout) {
    Map<String, Set<AclOperation>> topicOps = new HashMap<>();
    for (AclPlan.Need need : needs) {
      if (need.optional()) {
        continue;
      }
      switch (need.type()) {
        case TOPIC -> {
          List<String> topics = need.pattern() == PatternType.PREFIXED
              ? prefixedTopics.stream().filter(t -> t.startsWith(need.name())).toList() : List.of(need.name());
          for (String topic : topics) {
            Set<AclOperation> allowed = topicOps.computeIfAbsent(topic, t -> topicOperations(admin, need, t, timeout));
            require(allowed, need, "topic '" + topic + "'");
          }
        }
        case GROUP -> require(groupOperations(admin, need, timeout), need, "group '" + need.name() + "'");
        case TRANSACTIONAL_ID -> probeTransactions(need, clientProperties, timeout);
        default -> { }
      }
    }
    LOG.info("Kafka ACLs: the principal holds every ACL the processor needs (the required ones of {} asked, "
        + "on topics, group and transactional ids)", needs.size());
  }

  /** What the caller may do on {@code topic}; every operation for a topic that does not exist yet. */
  private static Set<AclOperation> topicOperations(Admin admin, AclPlan.Need need, String topic, Duration timeout) {
    try {
      TopicDescription description = admin.describeTopics(List.of(topic),
          new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues().get(topic)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return description.authorizedOperations() == null ? Set.of(AclOperation.ALL) : description.authorizedOperations();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicAuthorizationException) {
        throw missing(need, "topic '" + topic + "'", "not even DESCRIBE");
      }
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Set.of(AclOperation.ALL); // not this check's to report: Kafka Streams names a missing source topic
      }
      throw new KafkaAccessException("cannot check the ACLs of topic '" + topic + "': " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaAccessException("cannot check the ACLs of topic '" + topic + "': no answer within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaAccessException("interrupted while checking ACLs", e);
    }
  }

  private static Set<AclOperation> groupOperations(Admin admin, AclPlan.Need need, Duration timeout) {
    try {
      Set<AclOperation> allowed = admin.describeConsumerGroups(List.of(need.name()),
          new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true)).describedGroups().get(need.name())
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS).authorizedOperations();
      return allowed == null ? Set.of(AclOperation.ALL) : allowed;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupAuthorizationException) {
        throw missing(need, "group '" + need.name() + "'", "not even DESCRIBE");
      }
      // no such group yet, or one of the streams protocol, which is not described as a consumer group:
      // its first join or heartbeat asks, and StreamThreadFailures names the group if refused
      LOG.debug("Could not describe group {} for its ACLs: {}", need.name(), e.getCause().toString());
      return Set.of(AclOperation.ALL);
    } catch (TimeoutException e) {
      throw new KafkaAccessException("cannot check the ACLs of group '" + need.name() + "': no answer within "
          + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaAccessException("interrupted while checking ACLs", e);
    }
  }

  /** Initialises the transactions of one producer whose id is under the prefix: refused without WRITE on it. */
  private static void probeTransactions(AclPlan.Need need, Map<String, Object> clientProperties, Duration timeout) {
    Map<String, Object> properties = new HashMap<>(LogClients.producerConfigs(clientProperties));
    properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, need.name() + PROBE_ID_SUFFIX);
    properties.put(ProducerConfig.CLIENT_ID_CONFIG, need.name() + PROBE_ID_SUFFIX);
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
    KafkaProducer<byte[], byte[]> producer = null;
    try {
      producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
      producer.initTransactions();
    } catch (TransactionalIdAuthorizationException e) {
      throw missing(need, "transactional ids '" + need.name() + "*'", "refused");
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new KafkaAccessException("a transactional producer under '" + need.name() + "' could not initialise within "
          + timeout.toSeconds() + " s: exactly_once_v2 needs the cluster's transaction state log (its replication "
          + "factor and min.insync.replicas must fit the brokers there are)");
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new KafkaAccessException("a transactional producer under '" + need.name() + "' could not initialise: "
          + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    } finally {
      if (producer != null) {
        producer.close(Duration.ofSeconds(5));
      }
    }
  }

  private static void require(Set<AclOperation> allowed, AclPlan.Need need, String resource) {
    if (!allowed.contains(AclOperation.ALL) && !allowed.contains(need.operation())) {
      throw missing(need, resource, "allowed: " + names(allowed));
    }
  }

  private static KafkaAccessException missing(AclPlan.Need need, String resource, String found) {
    return new KafkaAccessException("Kafka ACL missing: this principal may not " + AclPlan.operationName(need.operation())
        + " " + resource + (need.pattern() == PatternType.PREFIXED ? " (prefixed ACL '" + need.name() + "')" : "")
        + " (" + found + "); it needs it to " + need.why() + ". Grant it with kafka-acls --add --allow-principal User:<you> "
        + need.kafkaAclsOption() + "; docs/security.md lists every ACL the processor needs");
  }

  private static String names(Set<AclOperation> operations) {
    List<String> names = new ArrayList<>();
    operations.forEach(op -> names.add(AclPlan.operationName(op)));
    names.sort(null);
    return names.isEmpty() ? "nothing" : String.join(", ", names);
  }
}
