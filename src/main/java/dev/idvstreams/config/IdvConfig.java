package dev.idvstreams.config;

import dev.idvstreams.api.Api;
import dev.idvstreams.api.SignatureVersion;
import dev.idvstreams.serde.RegistrySettings;
import dev.idvstreams.tls.TrustStore;
import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.NO_DEFAULT_VALUE;
import static org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN;
import static org.apache.kafka.common.config.ConfigDef.Type.DOUBLE;
import static org.apache.kafka.common.config.ConfigDef.Type.INT;
import static org.apache.kafka.common.config.ConfigDef.Type.LIST;
import static org.apache.kafka.common.config.ConfigDef.Type.LONG;
import static org.apache.kafka.common.config.ConfigDef.Type.PASSWORD;
import static org.apache.kafka.common.config.ConfigDef.Type.SHORT;
import static org.apache.kafka.common.config.ConfigDef.Type.STRING;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.CaseInsensitiveValidString;
import org.apache.kafka.common.config.ConfigDef.NonEmptyString;
import org.apache.kafka.common.config.ConfigDef.NonEmptyStringWithoutControlChars;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The typed configuration of idv-streams: every key declared once, with its type, default,
 * validator, importance and documentation, in {@link #CONFIG}; {@code docs/configuration.md} is
 * rendered from it by {@link ConfigDocs}. Construction validates everything, so an invalid
 * configuration fails at start with a {@link ConfigException} that names the key.
 */
public final class IdvConfig extends AbstractConfig {

  /** Keys with this prefix go to Kafka Streams and its clients with the prefix removed. */
  public static final String KAFKA_PREFIX = "kafka.";

  // ---- Kafka

  /** Kafka Streams' {@code group.protocol} (classic or streams), which plain consumers do not share. */
  private static final String GROUP_PROTOCOL = "group.protocol";
  public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
  private static final String BOOTSTRAP_SERVERS_DOC =
      "Kafka brokers to bootstrap from, as host:port pairs separated by commas.";
  public static final String APPLICATION_ID_CONFIG = "application.id";
  private static final String APPLICATION_ID_DOC = "The Kafka Streams application id: the consumer group, and the "
      + "prefix of the internal (changelog and repartition) topics. Every instance of one deployment shares it.";
  public static final String PROCESSING_GUARANTEE_CONFIG = "processing.guarantee";
  private static final String PROCESSING_GUARANTEE_DOC = "exactly_once_v2 makes the Kafka-side writes (results, "
      + "dead letters, the deduplication store) exactly-once; at_least_once is cheaper but may publish a result or a "
      + "dead letter twice after a crash, never lose one. API calls are at-least-once either way.";
  public static final String NUM_STREAM_THREADS_CONFIG = "num.stream.threads";
  private static final String NUM_STREAM_THREADS_DOC = "Stream threads in this instance. The API calls run on Vert.x, "
      + "not on these threads, so one thread is usually enough.";
  public static final String GROUP_INSTANCE_ID_CONFIG = "group.instance.id";
  private static final String GROUP_INSTANCE_ID_DOC = "This instance's static member id in the consumer group "
      + "(Kafka Streams adds a thread suffix), so that after a crash a restarted instance gets its tasks back at once "
      + "instead of after the group's session timeout. Unset: the HOSTNAME environment variable when set (a "
      + "StatefulSet's stable pod name), else no static membership. Must differ between instances: set it per "
      + "instance when several run with one host name.";
  public static final String SHUTDOWN_GRACE_MS_CONFIG = "shutdown.grace.ms";
  private static final String SHUTDOWN_GRACE_MS_DOC = "On SIGTERM the instance stops starting calls at once, lets "
      + "the calls in flight finish and their results commit for at most this long, then closes and leaves the "
      + "group so its partitions move at once. Calls still in flight then stay IN_FLIGHT for the next owner. Keep "
      + "it, plus 40 s for closing, under the orchestrator's grace period (terminationGracePeriodSeconds).";
  public static final String STATE_DIR_CONFIG = "state.dir";
  private static final String STATE_DIR_DOC = "Directory of the local state stores. Unset: Kafka Streams' default "
      + "(java.io.tmpdir/kafka-streams). In a container, put it on a persistent volume to avoid restoring the "
      + "deduplication store from its changelog on every restart.";

  // ---- Schema registry
  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
  private static final String SCHEMA_REGISTRY_URL_DOC = "Base URL of a registry with the Confluent Schema Registry "
      + "API (Confluent, Apicurio under /apis/ccompat/v7, Karapace, Redpanda). mock://NAME selects an in-process "
      + "registry shared by everything in this JVM that uses the same NAME.";
  public static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_CONFIG = "schema.registry.basic.auth.user.info";
  private static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_DOC =
      "USER:PASSWORD for HTTP basic authentication to the registry. Unset: no authentication.";
  public static final String SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG =
      "schema.registry.basic.auth.credentials.source";
  private static final String SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE_DOC = "Where the registry's basic "
      + "authentication comes from, as Confluent's clients say it: USER_INFO (schema.registry.basic.auth.user.info) "
      + "or URL (the user info of schema.registry.url, https://USER:PASSWORD@host/..., taken out of the URL before "
      + "it is logged or used).";
  public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION_CONFIG = "schema.registry.ssl.truststore.location";
  private static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION_DOC = "A trust store for an https registry's "
      + "certificate. Unset: the JVM's default trust store.";
  public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD_CONFIG = "schema.registry.ssl.truststore.password";
  private static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD_DOC =
      "The password of schema.registry.ssl.truststore.location.";
  public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";
  private static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE_DOC =
      "The format of schema.registry.ssl.truststore.location.";
  public static final String SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_CONFIG = "schema.registry.request.timeout.ms";
  private static final String SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_DOC = "Timeout of one registry request, in ms.";

  // ---- Topics
  public static final String TOPIC_REQUESTS_CONFIG = "topic.requests";
  private static final String TOPIC_REQUESTS_DOC = "Topic of VerificationRequest events, keyed by bizId.";
  public static final String TOPIC_REQUESTS_KEYED_BY_BIZID_CONFIG = "topic.requests.keyed-by-bizid";
  private static final String TOPIC_REQUESTS_KEYED_BY_BIZID_DOC = "false (default): every request is re-keyed "
      + "through the repartition topic, so all records of one bizId meet in one task whatever key, partitioner or "
      + "partition their producer used (librdkafka clients hash with CRC32 by default). true: records whose key is "
      + "their bizId are taken where they are, saving the repartition hop; only for producers that key by bizId and "
      + "partition with Kafka's Java default (murmur2) over the topic's partitions, else one bizId can be called twice.";
  public static final String TOPIC_RESULTS_CONFIG = "topic.results";
  private static final String TOPIC_RESULTS_DOC = "Topic of VerificationResult events, keyed by bizId.";
  public static final String TOPIC_DLQ_CONFIG = "topic.dlq";
  private static final String TOPIC_DLQ_DOC = "Topic of DeadLetter events, keyed by bizId (null when unreadable).";
  public static final String TOPIC_PARTITIONS_CONFIG = "topic.partitions";
  private static final String TOPIC_PARTITIONS_DOC = "Partitions of each topic that `topics create` creates. "
      + "Stream threads across all instances beyond this number stay idle.";
  public static final String TOPIC_REPLICATION_FACTOR_CONFIG = "topic.replication.factor";
  private static final String TOPIC_REPLICATION_FACTOR_DOC = "Replication factor of each topic that `topics create` "
      + "creates; -1 takes the broker's default.replication.factor.";

  // ---- The APIs
  public static final String ALIYUN_ENDPOINT_CREDENTIAL_VERIFY_INTL_CONFIG = "aliyun.endpoint.credential-verify-intl";
  private static final String ALIYUN_ENDPOINT_CREDENTIAL_VERIFY_INTL_DOC =
      "Host of CredentialVerifyIntl (a VPC endpoint host works too). Calls use https.";
  public static final String ALIYUN_ENDPOINT_VERIFY_MATERIAL_CONFIG = "aliyun.endpoint.verify-material";
  private static final String ALIYUN_ENDPOINT_VERIFY_MATERIAL_DOC =
      "Host of VerifyMaterial (a VPC endpoint host works too). Calls use https.";
  public static final String ALIYUN_ENDPOINT_FACE_VERIFY_CONFIG = "aliyun.endpoint.face-verify";
  private static final String ALIYUN_ENDPOINT_FACE_VERIFY_DOC =
      "Host of SAF ExecuteRequest (Service=intl_face_verify). Calls use https.";
  public static final String ALIYUN_ENDPOINT_OVERRIDE_CONFIG = "aliyun.endpoint-override";
  private static final String ALIYUN_ENDPOINT_OVERRIDE_DOC = "A base URL that replaces all three endpoints, scheme "
      + "included, for example http://127.0.0.1:8089 for the simulator.";
  public static final String ALIYUN_ALLOW_PLAIN_HTTP_CONFIG = "aliyun.endpoint.allow-plain-http";
  private static final String ALIYUN_ALLOW_PLAIN_HTTP_DOC = "Allow an http:// endpoint-override to a host other "
      + "than 127.0.0.1, ::1 or localhost. Off: such an endpoint fails at start, so that no signed call with "
      + "personal data leaves the machine without TLS. The simulator on this machine needs no such allowance.";
  public static final String ALIYUN_SSL_TRUSTSTORE_LOCATION_CONFIG = "aliyun.ssl.truststore.location";
  private static final String ALIYUN_SSL_TRUSTSTORE_LOCATION_DOC = "A trust store for the APIs' https "
      + "certificates (a private CA, a TLS-inspecting proxy, the simulator's test certificate). Unset: the JVM's "
      + "default trust store, which trusts the public endpoints.";
  public static final String ALIYUN_SSL_TRUSTSTORE_PASSWORD_CONFIG = "aliyun.ssl.truststore.password";
  private static final String ALIYUN_SSL_TRUSTSTORE_PASSWORD_DOC = "The password of aliyun.ssl.truststore.location.";
  public static final String ALIYUN_SSL_TRUSTSTORE_TYPE_CONFIG = "aliyun.ssl.truststore.type";
  private static final String ALIYUN_SSL_TRUSTSTORE_TYPE_DOC = "The format of aliyun.ssl.truststore.location.";
  public static final String ALIYUN_ACCESS_KEY_FILE_CONFIG = "aliyun.access-key-file";
  private static final String ALIYUN_ACCESS_KEY_FILE_DOC = "A properties file with access-key-id and "
      + "access-key-secret, read again within a second of changing, so that the key rotates without a restart "
      + "(a Kubernetes Secret mounted as a volume). Not together with aliyun.access-key-id.";
  public static final String ALIYUN_ACCESS_KEY_ID_CONFIG = "aliyun.access-key-id";
  private static final String ALIYUN_ACCESS_KEY_ID_DOC = "AccessKey ID, set together with aliyun.access-key-secret. "
      + "Unset: the default credentials chain (ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET/_SECURITY_TOKEN, profile files, "
      + "RAM role, OIDC/RRSA).";
  public static final String ALIYUN_ACCESS_KEY_SECRET_CONFIG = "aliyun.access-key-secret";
  private static final String ALIYUN_ACCESS_KEY_SECRET_DOC =
      "AccessKey secret, set together with aliyun.access-key-id. Never logged.";
  public static final String ALIYUN_SIGNATURE_VERSION_CREDENTIAL_VERIFY_INTL_CONFIG =
      "aliyun.signature-version.credential-verify-intl";
  private static final String ALIYUN_SIGNATURE_VERSION_CREDENTIAL_VERIFY_INTL_DOC = "Request signature of "
      + "CredentialVerifyIntl: V3 (ACS3-HMAC-SHA256) or V1 (RPC signature 1.0, HMAC-SHA1).";
  public static final String ALIYUN_SIGNATURE_VERSION_VERIFY_MATERIAL_CONFIG =
      "aliyun.signature-version.verify-material";
  private static final String ALIYUN_SIGNATURE_VERSION_VERIFY_MATERIAL_DOC = "Request signature of VerifyMaterial: "
      + "V3 (ACS3-HMAC-SHA256) or V1 (RPC signature 1.0, HMAC-SHA1).";
  public static final String ALIYUN_SIGNATURE_VERSION_FACE_VERIFY_CONFIG = "aliyun.signature-version.face-verify";
  private static final String ALIYUN_SIGNATURE_VERSION_FACE_VERIFY_DOC = "Request signature of SAF ExecuteRequest: "
      + "V1 (RPC signature 1.0, HMAC-SHA1, as its guide shows) or V3 (ACS3-HMAC-SHA256).";
  public static final String ALIYUN_CONNECT_TIMEOUT_MS_CONFIG = "aliyun.connect-timeout.ms";
  private static final String ALIYUN_CONNECT_TIMEOUT_MS_DOC = "Timeout of a TCP and TLS connect to an API, in ms.";
  public static final String ALIYUN_REQUEST_TIMEOUT_MS_CONFIG = "aliyun.request-timeout.ms";
  private static final String ALIYUN_REQUEST_TIMEOUT_MS_DOC = "Timeout of one API call, in ms; a timeout is a "
      + "transient error and is retried.";

  // ---- Rate and concurrency
  private static final String GROUP_SPLIT = "All instances of the group together stay under it in every 1-second "
      + "window: each gets whole calls per second as its work asks (docs/design.md, the group's split), and none before the others confirm it.";
  public static final String QPS_CREDENTIAL_VERIFY_INTL_CONFIG = "qps.credential-verify-intl";
  private static final String QPS_CREDENTIAL_VERIFY_INTL_DOC = "The account's QPS limit of CredentialVerifyIntl "
      + "(published: 10 in Singapore). " + GROUP_SPLIT;
  public static final String QPS_VERIFY_MATERIAL_CONFIG = "qps.verify-material";
  private static final String QPS_VERIFY_MATERIAL_DOC = "The account's QPS limit of VerifyMaterial (none published: "
      + "10). " + GROUP_SPLIT;
  public static final String QPS_FACE_VERIFY_CONFIG = "qps.face-verify";
  private static final String QPS_FACE_VERIFY_DOC = "The account's QPS limit of SAF intl_face_verify (published: 50). "
      + GROUP_SPLIT;
  private static final String BUDGET_DOC = "Calls the whole group may make to %s in a day (the cost guard): every "
      + "attempt counts, retries too. When it is spent the API's requests are held, as for an account error, never "
      + "dead-lettered, until the day turns (budget.time-zone) or the budget is raised (control set-budget). -1: no "
      + "budget. The group shares it through the topic <application.id>-budget (docs/control.md).";
  public static final String BUDGET_DAILY_CREDENTIAL_VERIFY_INTL_CONFIG = "budget.daily.credential-verify-intl";
  public static final String BUDGET_DAILY_VERIFY_MATERIAL_CONFIG = "budget.daily.verify-material";
  public static final String BUDGET_DAILY_FACE_VERIFY_CONFIG = "budget.daily.face-verify";
  public static final String BUDGET_TIME_ZONE_CONFIG = "budget.time-zone";
  private static final String BUDGET_TIME_ZONE_DOC = "The time zone whose midnight starts a budget's day: a zone id "
      + "such as UTC, Asia/Singapore or +08:00 (the account's billing day, as a rule).";
  public static final String QPS_ARRIVAL_GUARD_MS_CONFIG = "qps.arrival-guard.ms";
  private static final String QPS_ARRIVAL_GUARD_MS_DOC = "How much more than a second separates a call from the "
      + "call a whole limit before it, counted on when calls leave, in ms: room for two calls' network delays to the "
      + "provider to differ, whichever instances made them (a part of a limit another instance gave up is used 1050 ms "
      + "and both instances' guards in use after its last call there). Each instance uses at most 1000 / (1000 + this) "
      + "of its part of a "
      + "limit. A throttled "
      + "answer doubles the guard in use (at most 250 ms) and halves the rate for a while; each minute without one "
      + "gives half of the widening back, down to this value. Raise it when the network to the provider is known to "
      + "jitter by more.";
  public static final String IN_FLIGHT_MAX_CONFIG = "in-flight.max";
  private static final String IN_FLIGHT_MAX_DOC = "Ceiling of concurrent calls per API in one instance. Below it the "
      + "bound follows Little's law: QPS share x observed latency x in-flight.headroom; a task with requests waiting "
      + "and none in flight may start one beyond the bound, up to this (checked as the bound is, so several stream "
      + "threads may each pass it by one).";
  public static final String IN_FLIGHT_HEADROOM_CONFIG = "in-flight.headroom";
  private static final String IN_FLIGHT_HEADROOM_DOC = "Factor over QPS x latency that the in-flight bound allows, "
      + "so that latency jitter does not starve the rate.";

  // ---- Retry and circuit breaker
  public static final String RETRY_MAX_ATTEMPTS_CONFIG = "retry.max-attempts";
  private static final String RETRY_MAX_ATTEMPTS_DOC = "Calls per request at most, the first included, before a "
      + "retryable error is dead-lettered (stage PROVIDER).";
  public static final String RETRY_BACKOFF_INITIAL_MS_CONFIG = "retry.backoff.initial.ms";
  private static final String RETRY_BACKOFF_INITIAL_MS_DOC = "Backoff before the first retry, in ms; it doubles on "
      + "each retry, with full jitter.";
  public static final String RETRY_BACKOFF_MAX_MS_CONFIG = "retry.backoff.max.ms";
  private static final String RETRY_BACKOFF_MAX_MS_DOC =
      "Largest backoff between two retries, in ms; at least retry.backoff.initial.ms.";
  public static final String RETRY_DEADLINE_MS_CONFIG = "retry.deadline.ms";
  private static final String RETRY_DEADLINE_MS_DOC = "Time from the first call after which a retryable error is "
      + "dead-lettered instead of retried, in ms.";
  public static final String BREAKER_PROBE_INTERVAL_MS_CONFIG = "breaker.probe-interval.ms";
  private static final String BREAKER_PROBE_INTERVAL_MS_DOC = "After an account-level error (access denied, in debt, "
      + "not subscribed, bad key) the API's requests are held; a probe call goes out after this many ms, and the "
      + "interval doubles while probes fail.";
  public static final String BREAKER_PROBE_INTERVAL_MAX_MS_CONFIG = "breaker.probe-interval.max.ms";
  private static final String BREAKER_PROBE_INTERVAL_MAX_MS_DOC =
      "Largest interval between probes, in ms; at least breaker.probe-interval.ms.";

  // ---- Deduplication
  public static final String DEDUP_TTL_MS_CONFIG = "dedup.ttl.ms";
  private static final String DEDUP_TTL_MS_DOC = "How long a bizId's entry lives in the deduplication store, in ms: "
      + "a duplicate within it is answered from the store; after it, the bizId is new again.";
  public static final String DEDUP_PURGE_INTERVAL_MS_CONFIG = "dedup.purge-interval.ms";
  private static final String DEDUP_PURGE_INTERVAL_MS_DOC = "Interval of the punctuator that purges expired bizIds "
      + "from the store, in ms of wall-clock time.";

  public static final String BACKLOG_MAX_REQUESTS_CONFIG = "backlog.max-requests";
  private static final String BACKLOG_MAX_REQUESTS_DOC = "Requests of this instance that may wait in the dedup store "
      + "for a slot of their API (all APIs together) before its stream threads block, within their budget per loop, "
      + "until calls complete: the backpressure on Kafka. A request whose API has no room waits and never delays the "
      + "requests of other APIs behind it.";
  public static final String BACKLOG_MAX_BYTES_CONFIG = "backlog.max-bytes";
  private static final String BACKLOG_MAX_BYTES_DOC = "The same bound in bytes: the waiting requests' inline images, "
      + "plus 512 bytes a request.";
  public static final String POISON_MAX_FAILURES_CONFIG = "poison.max-failures";
  private static final String POISON_MAX_FAILURES_DOC = "How many times one record may stop a stream thread of an "
      + "instance (an Error while processing it, such as running out of memory) before it is dead-lettered at stage "
      + "INTERNAL (POISON_RECORD) instead of processed again. Counted per instance in a file in its state directory, "
      + "so restarts keep the count.";

  public static final String HEADERS_CARRIED_CONFIG = "headers.carried";
  private static final String HEADERS_CARRIED_DOC = "Record headers copied from a request to its result or dead "
      + "letter, besides the W3C trace context (traceparent, tracestate, baggage) and idv-replay-count, which always "
      + "are; names match whatever their case. Every other header of a request is dropped where it is admitted. A "
      + "value over 8 KiB, or past 8 KiB for all carried headers of a record, is left out. See docs/consumers.md.";

  // ---- Images
  public static final String IMAGE_INLINE_MAX_BYTES_CONFIG = "image.inline.max-bytes";
  private static final String IMAGE_INLINE_MAX_BYTES_DOC = "Largest image given inline (content bytes) in a request; "
      + "larger ones are dead-lettered (stage VALIDATION). The default stays under Kafka's default 1 MB message size.";
  public static final String IMAGE_FETCH_MAX_BYTES_CONFIG = "image.fetch.max-bytes";
  private static final String IMAGE_FETCH_MAX_BYTES_DOC = "Largest image the processor downloads for a FaceCheck "
      + "given by URL; the download stops there.";
  public static final String IMAGE_FETCH_TIMEOUT_MS_CONFIG = "image.fetch.timeout.ms";
  private static final String IMAGE_FETCH_TIMEOUT_MS_DOC = "Timeout of one image download, in ms.";
  public static final String IMAGE_FETCH_MAX_REDIRECTS_CONFIG = "image.fetch.max-redirects";
  private static final String IMAGE_FETCH_MAX_REDIRECTS_DOC = "Redirects an image download follows at most.";
  public static final String IMAGE_FETCH_ALLOW_PRIVATE_ADDRESSES_CONFIG = "image.fetch.allow-private-addresses";
  private static final String IMAGE_FETCH_ALLOW_PRIVATE_ADDRESSES_DOC = "Allow image URLs that resolve to loopback, "
      + "link-local or private addresses. Off in production: a request must not make the processor reach internal "
      + "services. On only for local tests.";

  // ---- Operations
  public static final String HTTP_HOST_CONFIG = "http.host";
  private static final String HTTP_HOST_DOC = "Address of the HTTP server of /health/live, /health/ready and "
      + "/metrics. 0.0.0.0 (all interfaces) because in a container the kubelet and Prometheus reach the pod's own "
      + "address; use 127.0.0.1 on a shared host. Nothing it serves carries personal data.";
  public static final String HTTP_PORT_CONFIG = "http.port";
  private static final String HTTP_PORT_DOC =
      "Port of that HTTP server: 0 takes a free port (it is logged), -1 turns the server off.";

  /** The keys besides bootstrap.servers that {@link #kafkaStreamsProperties()} passes to Kafka Streams. */
  private static final List<String> KAFKA_STREAMS_KEYS = List.of(
      APPLICATION_ID_CONFIG, PROCESSING_GUARANTEE_CONFIG, NUM_STREAM_THREADS_CONFIG, STATE_DIR_CONFIG);

  private static final ConfigDef.Validator SIGNATURE_VERSION = CaseInsensitiveValidString.in("V1", "V3");

  private static final ConfigDef CONFIG = new ConfigDef()
      .define(BOOTSTRAP_SERVERS_CONFIG, LIST, NO_DEFAULT_VALUE, ValidList.anyNonDuplicateValues(false, false),
          HIGH, BOOTSTRAP_SERVERS_DOC)
      .define(APPLICATION_ID_CONFIG, STRING, "idv-streams", Validators.kafkaName(), HIGH, APPLICATION_ID_DOC)
      .define(PROCESSING_GUARANTEE_CONFIG, STRING, StreamsConfig.EXACTLY_ONCE_V2,
          ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE), MEDIUM, PROCESSING_GUARANTEE_DOC)
      .define(NUM_STREAM_THREADS_CONFIG, INT, 1, Range.between(1, 64), MEDIUM, NUM_STREAM_THREADS_DOC)
      .define(STATE_DIR_CONFIG, STRING, null, new NonEmptyString(), MEDIUM, STATE_DIR_DOC)
      .define(GROUP_INSTANCE_ID_CONFIG, STRING, null, new NonEmptyString(), MEDIUM, GROUP_INSTANCE_ID_DOC)
      .define(SHUTDOWN_GRACE_MS_CONFIG, LONG, 25_000L, Range.between(0, 600_000), MEDIUM, SHUTDOWN_GRACE_MS_DOC)

      .define(SCHEMA_REGISTRY_URL_CONFIG, STRING, NO_DEFAULT_VALUE, Validators.uri(false, "http", "https", "mock"),
          HIGH, SCHEMA_REGISTRY_URL_DOC)
      .define(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_CONFIG, PASSWORD, null, MEDIUM,
          SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_DOC)
      .define(SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_CONFIG, LONG, 30_000L, Range.between(1, 600_000), LOW,
          SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_DOC)
      .define(SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, STRING, "USER_INFO",
          ConfigDef.ValidString.in("USER_INFO", "URL"), LOW, SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE_DOC)
      .define(SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION_CONFIG, STRING, null, MEDIUM,
          SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION_DOC)
      .define(SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD_CONFIG, PASSWORD, null, MEDIUM,
          SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD_DOC)
      .define(SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE_CONFIG, STRING, "PKCS12", ConfigDef.ValidString.in("PKCS12", "JKS"), LOW,
          SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE_DOC)

      .define(TOPIC_REQUESTS_CONFIG, STRING, "idv.requests", Validators.kafkaName(), HIGH, TOPIC_REQUESTS_DOC)
      .define(TOPIC_REQUESTS_KEYED_BY_BIZID_CONFIG, BOOLEAN, false, MEDIUM, TOPIC_REQUESTS_KEYED_BY_BIZID_DOC)
      .define(TOPIC_RESULTS_CONFIG, STRING, "idv.results", Validators.kafkaName(), HIGH, TOPIC_RESULTS_DOC)
      .define(TOPIC_DLQ_CONFIG, STRING, "idv.dlq", Validators.kafkaName(), HIGH, TOPIC_DLQ_DOC)
      .define(TOPIC_PARTITIONS_CONFIG, INT, 6, Range.between(1, 10_000), MEDIUM, TOPIC_PARTITIONS_DOC)
      .define(TOPIC_REPLICATION_FACTOR_CONFIG, SHORT, (short) -1, Validators.brokerDefaultOrPositive(), MEDIUM,
          TOPIC_REPLICATION_FACTOR_DOC)

      .define(ALIYUN_ENDPOINT_CREDENTIAL_VERIFY_INTL_CONFIG, STRING, Api.CREDENTIAL_VERIFY_INTL.defaultEndpoint(),
          Validators.hostAndPort(), MEDIUM, ALIYUN_ENDPOINT_CREDENTIAL_VERIFY_INTL_DOC)
      .define(ALIYUN_ENDPOINT_VERIFY_MATERIAL_CONFIG, STRING, Api.VERIFY_MATERIAL.defaultEndpoint(),
          Validators.hostAndPort(), MEDIUM, ALIYUN_ENDPOINT_VERIFY_MATERIAL_DOC)
      .define(ALIYUN_ENDPOINT_FACE_VERIFY_CONFIG, STRING, Api.FACE_VERIFY.defaultEndpoint(),
          Validators.hostAndPort(), MEDIUM, ALIYUN_ENDPOINT_FACE_VERIFY_DOC)
      .define(ALIYUN_ENDPOINT_OVERRIDE_CONFIG, STRING, null, Validators.uri(true, "http", "https"), MEDIUM,
          ALIYUN_ENDPOINT_OVERRIDE_DOC)
      .define(ALIYUN_ACCESS_KEY_ID_CONFIG, PASSWORD, null, HIGH, ALIYUN_ACCESS_KEY_ID_DOC)
      .define(ALIYUN_ACCESS_KEY_SECRET_CONFIG, PASSWORD, null, HIGH, ALIYUN_ACCESS_KEY_SECRET_DOC)
      .define(ALIYUN_ACCESS_KEY_FILE_CONFIG, STRING, null, MEDIUM, ALIYUN_ACCESS_KEY_FILE_DOC)
      .define(ALIYUN_ALLOW_PLAIN_HTTP_CONFIG, BOOLEAN, false, LOW, ALIYUN_ALLOW_PLAIN_HTTP_DOC)
      .define(ALIYUN_SSL_TRUSTSTORE_LOCATION_CONFIG, STRING, null, MEDIUM, ALIYUN_SSL_TRUSTSTORE_LOCATION_DOC)
      .define(ALIYUN_SSL_TRUSTSTORE_PASSWORD_CONFIG, PASSWORD, null, MEDIUM, ALIYUN_SSL_TRUSTSTORE_PASSWORD_DOC)
      .define(ALIYUN_SSL_TRUSTSTORE_TYPE_CONFIG, STRING, "PKCS12", ConfigDef.ValidString.in("PKCS12", "JKS"), LOW,
          ALIYUN_SSL_TRUSTSTORE_TYPE_DOC)
      .define(ALIYUN_SIGNATURE_VERSION_CREDENTIAL_VERIFY_INTL_CONFIG, STRING,
          Api.CREDENTIAL_VERIFY_INTL.defaultSignatureVersion().name(), SIGNATURE_VERSION, LOW,
          ALIYUN_SIGNATURE_VERSION_CREDENTIAL_VERIFY_INTL_DOC)
      .define(ALIYUN_SIGNATURE_VERSION_VERIFY_MATERIAL_CONFIG, STRING,
          Api.VERIFY_MATERIAL.defaultSignatureVersion().name(), SIGNATURE_VERSION, LOW,
          ALIYUN_SIGNATURE_VERSION_VERIFY_MATERIAL_DOC)
      .define(ALIYUN_SIGNATURE_VERSION_FACE_VERIFY_CONFIG, STRING,
          Api.FACE_VERIFY.defaultSignatureVersion().name(), SIGNATURE_VERSION, LOW,
          ALIYUN_SIGNATURE_VERSION_FACE_VERIFY_DOC)
      .define(ALIYUN_CONNECT_TIMEOUT_MS_CONFIG, LONG, 5_000L, Range.between(1, 600_000), LOW,
          ALIYUN_CONNECT_TIMEOUT_MS_DOC)
      .define(ALIYUN_REQUEST_TIMEOUT_MS_CONFIG, LONG, 10_000L, Range.between(1, 600_000), LOW,
          ALIYUN_REQUEST_TIMEOUT_MS_DOC)

      .define(QPS_CREDENTIAL_VERIFY_INTL_CONFIG, INT, 10, Range.between(1, 100_000), HIGH,
          QPS_CREDENTIAL_VERIFY_INTL_DOC)
      .define(QPS_VERIFY_MATERIAL_CONFIG, INT, 10, Range.between(1, 100_000), HIGH, QPS_VERIFY_MATERIAL_DOC)
      .define(QPS_FACE_VERIFY_CONFIG, INT, 50, Range.between(1, 100_000), HIGH, QPS_FACE_VERIFY_DOC)
      .define(QPS_ARRIVAL_GUARD_MS_CONFIG, LONG, 20L, Range.between(0, 1_000), MEDIUM, QPS_ARRIVAL_GUARD_MS_DOC)
      .define(BUDGET_DAILY_CREDENTIAL_VERIFY_INTL_CONFIG, LONG, -1L, Range.atLeast(-1), MEDIUM,
          String.format(BUDGET_DOC, "CredentialVerifyIntl"))
      .define(BUDGET_DAILY_VERIFY_MATERIAL_CONFIG, LONG, -1L, Range.atLeast(-1), MEDIUM,
          String.format(BUDGET_DOC, "VerifyMaterial"))
      .define(BUDGET_DAILY_FACE_VERIFY_CONFIG, LONG, -1L, Range.atLeast(-1), MEDIUM,
          String.format(BUDGET_DOC, "SAF intl_face_verify"))
      .define(BUDGET_TIME_ZONE_CONFIG, STRING, "UTC", Validators.zoneId(), MEDIUM, BUDGET_TIME_ZONE_DOC)
      .define(IN_FLIGHT_MAX_CONFIG, INT, 256, Range.between(1, 10_000), MEDIUM, IN_FLIGHT_MAX_DOC)
      .define(IN_FLIGHT_HEADROOM_CONFIG, DOUBLE, 1.5, Range.between(1.0, 10.0), LOW, IN_FLIGHT_HEADROOM_DOC)

      .define(RETRY_MAX_ATTEMPTS_CONFIG, INT, 8, Range.between(1, 100), MEDIUM, RETRY_MAX_ATTEMPTS_DOC)
      .define(RETRY_BACKOFF_INITIAL_MS_CONFIG, LONG, 200L, Range.between(1, 3_600_000), LOW,
          RETRY_BACKOFF_INITIAL_MS_DOC)
      .define(RETRY_BACKOFF_MAX_MS_CONFIG, LONG, 30_000L, Range.between(1, 3_600_000), LOW, RETRY_BACKOFF_MAX_MS_DOC)
      .define(RETRY_DEADLINE_MS_CONFIG, LONG, 120_000L, Range.between(1, 86_400_000), MEDIUM, RETRY_DEADLINE_MS_DOC)
      .define(BREAKER_PROBE_INTERVAL_MS_CONFIG, LONG, 5_000L, Range.between(1, 3_600_000), LOW,
          BREAKER_PROBE_INTERVAL_MS_DOC)
      .define(BREAKER_PROBE_INTERVAL_MAX_MS_CONFIG, LONG, 60_000L, Range.between(1, 3_600_000), LOW,
          BREAKER_PROBE_INTERVAL_MAX_MS_DOC)

      .define(DEDUP_TTL_MS_CONFIG, LONG, Duration.ofHours(24).toMillis(), Range.atLeast(1), MEDIUM, DEDUP_TTL_MS_DOC)
      .define(DEDUP_PURGE_INTERVAL_MS_CONFIG, LONG, 60_000L, Range.between(1_000, 86_400_000), LOW,
          DEDUP_PURGE_INTERVAL_MS_DOC)
      .define(POISON_MAX_FAILURES_CONFIG, INT, 3, Range.between(1, 1_000), LOW, POISON_MAX_FAILURES_DOC)
      .define(HEADERS_CARRIED_CONFIG, LIST, "correlation-id", ValidList.anyNonDuplicateValues(true, false), MEDIUM,
          HEADERS_CARRIED_DOC)
      .define(BACKLOG_MAX_REQUESTS_CONFIG, LONG, 50_000L, Range.atLeast(1), MEDIUM, BACKLOG_MAX_REQUESTS_DOC)
      .define(BACKLOG_MAX_BYTES_CONFIG, LONG, 512L * 1024 * 1024, Range.atLeast(1), MEDIUM, BACKLOG_MAX_BYTES_DOC)

      .define(IMAGE_INLINE_MAX_BYTES_CONFIG, INT, 900 * 1024, Range.between(1, 64 * 1024 * 1024), MEDIUM,
          IMAGE_INLINE_MAX_BYTES_DOC)
      .define(IMAGE_FETCH_MAX_BYTES_CONFIG, INT, 3 * 1024 * 1024, Range.between(1, 64 * 1024 * 1024), LOW,
          IMAGE_FETCH_MAX_BYTES_DOC)
      .define(IMAGE_FETCH_TIMEOUT_MS_CONFIG, LONG, 5_000L, Range.between(1, 600_000), LOW,
          IMAGE_FETCH_TIMEOUT_MS_DOC)
      .define(IMAGE_FETCH_MAX_REDIRECTS_CONFIG, INT, 3, Range.between(0, 20), LOW, IMAGE_FETCH_MAX_REDIRECTS_DOC)
      .define(IMAGE_FETCH_ALLOW_PRIVATE_ADDRESSES_CONFIG, BOOLEAN, false, LOW,
          IMAGE_FETCH_ALLOW_PRIVATE_ADDRESSES_DOC)

      .define(HTTP_HOST_CONFIG, STRING, "0.0.0.0", new NonEmptyStringWithoutControlChars(), MEDIUM, HTTP_HOST_DOC)
      .define(HTTP_PORT_CONFIG, INT, 8080, Range.between(-1, 65_535), MEDIUM, HTTP_PORT_DOC);

  /** A static access key from configuration; both parts are {@link Password}s so neither prints by accident. */
  public record AccessKey(Password id, Password secret) {}

  /**
   * Parses and validates {@code properties}: declared keys and {@code kafka.}-prefixed pass-through
   * keys. Values may be strings (as read from a file) or typed values.
   *
   * @throws ConfigException naming the key, for a missing, unknown or invalid key
   */
  public IdvConfig(Map<?, ?> properties) {
    // not logged by Kafka's AbstractConfig: schema.registry.url may hold a password until it is taken out
    super(CONFIG, properties, false);
    rejectUnknownKeys();
    rejectPassThroughOfOwnKeys();
    requireNotBelow(RETRY_BACKOFF_MAX_MS_CONFIG, RETRY_BACKOFF_INITIAL_MS_CONFIG);
    requireNotBelow(BREAKER_PROBE_INTERVAL_MAX_MS_CONFIG, BREAKER_PROBE_INTERVAL_MS_CONFIG);
    requireBothOrNeither(ALIYUN_ACCESS_KEY_ID_CONFIG, ALIYUN_ACCESS_KEY_SECRET_CONFIG);
    if (getPassword(ALIYUN_ACCESS_KEY_ID_CONFIG) != null && getString(ALIYUN_ACCESS_KEY_FILE_CONFIG) != null) {
      throw new ConfigException(ALIYUN_ACCESS_KEY_FILE_CONFIG, getString(ALIYUN_ACCESS_KEY_FILE_CONFIG),
          "set either an access key file or aliyun.access-key-id and aliyun.access-key-secret, not both");
    }
    refusePlainHttpOffThisMachine();
    requireUserInfoInUrlWhenItIsTheSource();
    requireReadableTrustStores();
    validatePassThroughWithKafkaStreams();
  }

  /** A copy of the definition of every key: the source of {@code docs/configuration.md}. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  /** Whether {@code key} is a declared key or a {@code kafka.} pass-through key. */
  public static boolean isKnownKey(String key) {
    return CONFIG.names().contains(key) || key.startsWith(KAFKA_PREFIX);
  }

  // ---- Kafka

  /**
   * What every Kafka client needs: bootstrap.servers and the {@code kafka.} keys without their
   * prefix, but {@code group.protocol}: Kafka Streams' {@code streams} is no value for a plain
   * consumer (the demo's summary, the tools), which keep their own default.
   */
  public Map<String, Object> kafkaClientProperties() {
    Map<String, Object> properties = new HashMap<>(originalsWithPrefix(KAFKA_PREFIX));
    properties.remove(GROUP_PROTOCOL);
    properties.put(BOOTSTRAP_SERVERS_CONFIG, String.join(",", getList(BOOTSTRAP_SERVERS_CONFIG)));
    return properties;
  }

  /** {@link #kafkaClientProperties()} plus the Kafka Streams keys of this configuration, {@code group.protocol} included. */
  public Map<String, Object> kafkaStreamsProperties() {
    Map<String, Object> properties = kafkaClientProperties();
    Object protocol = originalsWithPrefix(KAFKA_PREFIX).get(GROUP_PROTOCOL);
    if (protocol != null) {
      properties.put(GROUP_PROTOCOL, protocol);
    }
    for (String key : KAFKA_STREAMS_KEYS) {
      if (get(key) != null) {
        properties.put(key, get(key));
      }
    }
    return properties;
  }

  /** Whether Kafka Streams runs under {@code group.protocol=streams} (KIP-1071), set as {@code kafka.group.protocol}. */
  public boolean streamsGroupProtocol() {
    return "streams".equalsIgnoreCase(String.valueOf(originalsWithPrefix(KAFKA_PREFIX).get(GROUP_PROTOCOL)));
  }

  public String applicationId() {
    return getString(APPLICATION_ID_CONFIG);
  }

  /** The configured static member id, else the HOSTNAME environment variable, else empty. */
  public Optional<String> groupInstanceId() {
    return Optional.ofNullable(getString(GROUP_INSTANCE_ID_CONFIG))
        .or(() -> Optional.ofNullable(System.getenv("HOSTNAME")).filter(host -> !host.isBlank()));
  }

  public Duration shutdownGrace() {
    return millis(SHUTDOWN_GRACE_MS_CONFIG);
  }

  // ---- Schema registry

  /** How every part of the processor reaches the registry. */
  public RegistrySettings schemaRegistry() {
    Password userInfo = getPassword(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_CONFIG);
    URI url = URI.create(getString(SCHEMA_REGISTRY_URL_CONFIG));
    // credentials in the URL are never kept in it: it is logged and named in errors
    String credentials = "URL".equals(getString(SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG))
        ? url.getUserInfo() : userInfo == null ? null : userInfo.value();
    return new RegistrySettings(withoutUserInfo(url), credentials, millis(SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_CONFIG),
        trustStore(SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION_CONFIG, SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD_CONFIG,
            SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE_CONFIG).orElse(null));
  }

  private static String withoutUserInfo(URI url) {
    return url.getRawUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo() + "@", "");
  }

  /** The trust store of three keys (location, password, type), or empty when the location is unset. */
  private Optional<TrustStore> trustStore(String locationKey, String passwordKey, String typeKey) {
    Password password = getPassword(passwordKey);
    return Optional.ofNullable(getString(locationKey)).map(path -> new TrustStore(java.nio.file.Path.of(path),
        password == null ? "" : password.value(), getString(typeKey)));
  }

  // ---- Topics

  public String processingGuarantee() {
    return getString(PROCESSING_GUARANTEE_CONFIG);
  }

  public String requestsTopic() {
    return getString(TOPIC_REQUESTS_CONFIG);
  }

  public boolean requestsKeyedByBizId() {
    return getBoolean(TOPIC_REQUESTS_KEYED_BY_BIZID_CONFIG);
  }

  public String resultsTopic() {
    return getString(TOPIC_RESULTS_CONFIG);
  }

  public String deadLetterTopic() {
    return getString(TOPIC_DLQ_CONFIG);
  }

  public int topicPartitions() {
    return getInt(TOPIC_PARTITIONS_CONFIG);
  }

  /** Empty for the broker's default, as Kafka's {@code NewTopic} takes it. */
  public Optional<Short> topicReplicationFactor() {
    short factor = getShort(TOPIC_REPLICATION_FACTOR_CONFIG);
    return factor == -1 ? Optional.empty() : Optional.of(factor);
  }

  // ---- The APIs

  /** Where calls to {@code api} go: the endpoint override, else {@code https://} and the API's endpoint. */
  public URI apiBaseUri(Api api) {
    String override = getString(ALIYUN_ENDPOINT_OVERRIDE_CONFIG);
    return URI.create(override != null ? override : "https://" + getString(perApiKey("aliyun.endpoint.", api)));
  }

  /** The trust store for the APIs' certificates, or empty for the JVM's default. */
  public Optional<TrustStore> apiTrustStore() {
    return trustStore(ALIYUN_SSL_TRUSTSTORE_LOCATION_CONFIG, ALIYUN_SSL_TRUSTSTORE_PASSWORD_CONFIG,
        ALIYUN_SSL_TRUSTSTORE_TYPE_CONFIG);
  }

  /** The access key file, read again when it changes; empty when unset. */
  public Optional<java.nio.file.Path> accessKeyFile() {
    return Optional.ofNullable(getString(ALIYUN_ACCESS_KEY_FILE_CONFIG)).map(java.nio.file.Path::of);
  }

  /** The static access key, or empty for the credentials-java default chain. */
  public Optional<AccessKey> staticAccessKey() {
    Password id = getPassword(ALIYUN_ACCESS_KEY_ID_CONFIG);
    return id == null ? Optional.empty() : Optional.of(new AccessKey(id, getPassword(ALIYUN_ACCESS_KEY_SECRET_CONFIG)));
  }

  public SignatureVersion signatureVersion(Api api) {
    return SignatureVersion.valueOf(getString(perApiKey("aliyun.signature-version.", api)).toUpperCase(Locale.ROOT));
  }

  public Duration apiConnectTimeout() {
    return millis(ALIYUN_CONNECT_TIMEOUT_MS_CONFIG);
  }

  public Duration apiRequestTimeout() {
    return millis(ALIYUN_REQUEST_TIMEOUT_MS_CONFIG);
  }

  // ---- Rate and concurrency

  /** The account's QPS limit of {@code api}, for all instances together. */
  /** The group's daily call budget for {@code api}; -1 without one. */
  public long dailyBudget(Api api) {
    return getLong(perApiKey("budget.daily.", api));
  }

  public java.time.ZoneId budgetTimeZone() {
    return java.time.ZoneId.of(getString(BUDGET_TIME_ZONE_CONFIG));
  }

  public int qps(Api api) {
    return getInt(perApiKey("qps.", api));
  }

  public Duration arrivalGuard() {
    return Duration.ofMillis(getLong(QPS_ARRIVAL_GUARD_MS_CONFIG));
  }

  public int inFlightMax() {
    return getInt(IN_FLIGHT_MAX_CONFIG);
  }

  public double inFlightHeadroom() {
    return getDouble(IN_FLIGHT_HEADROOM_CONFIG);
  }

  // ---- Retry and circuit breaker

  public int retryMaxAttempts() {
    return getInt(RETRY_MAX_ATTEMPTS_CONFIG);
  }

  public Duration retryBackoffInitial() {
    return millis(RETRY_BACKOFF_INITIAL_MS_CONFIG);
  }

  public Duration retryBackoffMax() {
    return millis(RETRY_BACKOFF_MAX_MS_CONFIG);
  }

  public Duration retryDeadline() {
    return millis(RETRY_DEADLINE_MS_CONFIG);
  }

  public Duration breakerProbeInterval() {
    return millis(BREAKER_PROBE_INTERVAL_MS_CONFIG);
  }

  public Duration breakerProbeIntervalMax() {
    return millis(BREAKER_PROBE_INTERVAL_MAX_MS_CONFIG);
  }

  // ---- Deduplication

  public Duration dedupTtl() {
    return millis(DEDUP_TTL_MS_CONFIG);
  }

  public Duration dedupPurgeInterval() {
    return millis(DEDUP_PURGE_INTERVAL_MS_CONFIG);
  }

  public long backlogMaxRequests() {
    return getLong(BACKLOG_MAX_REQUESTS_CONFIG);
  }

  public long backlogMaxBytes() {
    return getLong(BACKLOG_MAX_BYTES_CONFIG);
  }

  /** The header names of {@code headers.carried}. */
  public List<String> headersCarried() {
    return getList(HEADERS_CARRIED_CONFIG);
  }

  public int poisonMaxFailures() {
    return getInt(POISON_MAX_FAILURES_CONFIG);
  }

  // ---- Images

  public int imageInlineMaxBytes() {
    return getInt(IMAGE_INLINE_MAX_BYTES_CONFIG);
  }

  public int imageFetchMaxBytes() {
    return getInt(IMAGE_FETCH_MAX_BYTES_CONFIG);
  }

  public Duration imageFetchTimeout() {
    return millis(IMAGE_FETCH_TIMEOUT_MS_CONFIG);
  }

  public int imageFetchMaxRedirects() {
    return getInt(IMAGE_FETCH_MAX_REDIRECTS_CONFIG);
  }

  public boolean imageFetchAllowPrivateAddresses() {
    return getBoolean(IMAGE_FETCH_ALLOW_PRIVATE_ADDRESSES_CONFIG);
  }

  // ---- Operations

  /** False when {@code http.port} is -1. */
  public boolean opsHttpEnabled() {
    return opsHttpPort() != -1;
  }

  public String opsHttpHost() {
    return getString(HTTP_HOST_CONFIG);
  }

  /** The configured port; 0 asks for a free one. */
  public int opsHttpPort() {
    return getInt(HTTP_PORT_CONFIG);
  }

  // ---- validation and helpers

  /** The per-API key {@code prefix + api.id()}; a test checks that each one is declared. */
  static String perApiKey(String prefix, Api api) {
    return prefix + api.id();
  }

  private Duration millis(String key) {
    return Duration.ofMillis(getLong(key));
  }

  /** A misspelt key would otherwise be silently ignored and its default used. */
  private void rejectUnknownKeys() {
    for (String key : originals().keySet()) {
      if (!isKnownKey(key)) {
        throw new ConfigException("Unknown configuration key \"" + key + "\": not a key of docs/configuration.md "
            + "and not a " + KAFKA_PREFIX + "* pass-through key");
      }
    }
  }

  /** Two ways to set one setting ({@code kafka.application.id} and {@code application.id}) leave unclear which wins. */
  private void rejectPassThroughOfOwnKeys() {
    for (String key : CONFIG.names()) {
      if (originals().containsKey(KAFKA_PREFIX + key)) {
        throw new ConfigException("Configuration key \"" + KAFKA_PREFIX + key + "\" is not passed through: set \""
            + key + "\" instead");
      }
    }
  }

  /** An http:// endpoint is plain text on the wire: only to this machine, unless the operator says otherwise. */
  private void refusePlainHttpOffThisMachine() {
    String override = getString(ALIYUN_ENDPOINT_OVERRIDE_CONFIG);
    if (override == null || !override.regionMatches(true, 0, "http://", 0, 7) || getBoolean(ALIYUN_ALLOW_PLAIN_HTTP_CONFIG)) {
      return;
    }
    String host = URI.create(override).getHost();
    if (host == null) {
      throw new ConfigException(ALIYUN_ENDPOINT_OVERRIDE_CONFIG, override, "names no host that a URL can hold");
    }
    if (!List.of("127.0.0.1", "[::1]", "::1", "localhost").contains(host.toLowerCase(java.util.Locale.ROOT))) {
      throw new ConfigException(ALIYUN_ENDPOINT_OVERRIDE_CONFIG, override, "plain http to " + host + ", a host off this "
          + "machine, would send signed calls and personal data without TLS: use https, or set "
          + ALIYUN_ALLOW_PLAIN_HTTP_CONFIG + "=true");
    }
  }

  /**
   * Credentials in schema.registry.url only with source URL, and then there. The errors never quote
   * the URL: it may hold a password.
   */
  private void requireUserInfoInUrlWhenItIsTheSource() {
    boolean inUrl = URI.create(getString(SCHEMA_REGISTRY_URL_CONFIG)).getRawUserInfo() != null;
    boolean fromUrl = "URL".equals(getString(SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG));
    if (fromUrl && !inUrl) {
      throw new ConfigException("Invalid value URL for configuration " + SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG
          + ": schema.registry.url holds no USER:PASSWORD@ to take the credentials from");
    }
    if (inUrl && !fromUrl) {
      throw new ConfigException("Configuration " + SCHEMA_REGISTRY_URL_CONFIG + " holds USER:PASSWORD@: set "
          + SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG + "=URL to use them, or move them to "
          + SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_CONFIG);
    }
  }

  /** A trust store that cannot be read fails the start naming its key, not the first call or record. */
  private void requireReadableTrustStores() {
    for (String[] keys : List.of(
        new String[] {ALIYUN_SSL_TRUSTSTORE_LOCATION_CONFIG, ALIYUN_SSL_TRUSTSTORE_PASSWORD_CONFIG, ALIYUN_SSL_TRUSTSTORE_TYPE_CONFIG},
        new String[] {SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION_CONFIG, SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD_CONFIG,
            SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE_CONFIG})) {
      trustStore(keys[0], keys[1], keys[2]).ifPresent(store -> {
        try {
          store.sslContext();
        } catch (RuntimeException e) {
          throw new ConfigException(keys[0], store.path().toString(), e.getMessage());
        }
      });
    }
  }

  private void requireNotBelow(String largerKey, String smallerKey) {
    if (getLong(largerKey) < getLong(smallerKey)) {
      throw new ConfigException(largerKey, getLong(largerKey), "must be at least " + smallerKey + " ("
          + getLong(smallerKey) + ")");
    }
  }

  private void requireBothOrNeither(String firstKey, String secondKey) {
    boolean first = getPassword(firstKey) != null;
    boolean second = getPassword(secondKey) != null;
    if (first != second) {
      String missing = first ? secondKey : firstKey;
      String present = first ? firstKey : secondKey;
      throw new ConfigException("Configuration key \"" + missing + "\" is missing: it must be set together with \""
          + present + "\"");
    }
  }

  /**
   * Lets Kafka Streams check the pass-through keys now, so that a bad {@code kafka.} value fails at
   * start like any other key instead of when the first client is created. Client-only keys that
   * Kafka Streams does not declare are checked when the clients are created.
   */
  private void validatePassThroughWithKafkaStreams() {
    try {
      Map<String, Object> properties = new java.util.HashMap<>(kafkaStreamsProperties());
      // as the runtime sets it (no global store): else Kafka Streams warns at each check that it is off
      properties.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
      new QuietStreamsConfig(properties);
    } catch (ConfigException e) {
      throw new ConfigException("Invalid Kafka setting (given with the \"" + KAFKA_PREFIX + "\" prefix): "
          + e.getMessage());
    }
  }

  /** StreamsConfig without its INFO dump of every value: the processor logs it once when it starts. */
  private static final class QuietStreamsConfig extends StreamsConfig {
    QuietStreamsConfig(Map<?, ?> properties) {
      super(properties, false);
    }
  }
}
