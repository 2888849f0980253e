package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.DedupEntry;
import dev.idvstreams.avro.DedupStatus;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.ParkedDuplicate;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The decision ladder of {@link DedupDecision#decide}, case by case, without Kafka. */
class DedupDecisionTest {

  private static final SourcePosition FIRST = new SourcePosition("idv.requests", 3, 100);
  private static final SourcePosition LATER = new SourcePosition("idv.requests", 3, 250);
  /** The same partition and offset, but of the repartition topic: another record. */
  private static final SourcePosition OTHER_TOPIC = new SourcePosition("app-by-bizid-repartition", 3, 100);
  private static final Set<DedupDecision> REACHED = EnumSet.noneOf(DedupDecision.class);

  private static DedupDecision decide(DedupEntry entry, SourcePosition position, VerificationRequest request) {
    DedupDecision decision = DedupDecision.decide(entry, position, RequestFingerprint.of(request), request);
    REACHED.add(decision);
    return decision;
  }

  private static VerificationRequest credential(String credName) {
    return VerificationRequest.newBuilder().setBizId("b-1").setRequestedAt(Instant.ofEpochMilli(1))
      .setCheck(CredentialCheck.newBuilder().setCredType("03").setCredName(credName)
        .setImage(Image.newBuilder().setUrl("https://img.example/c.jpg").build()).build())
      .build();
  }

  private static VerificationRequest material(String faceUrl) {
    return VerificationRequest.newBuilder().setBizId("b-1").setRequestedAt(Instant.ofEpochMilli(1))
      .setCheck(MaterialCheck.newBuilder().setBizType("RPMinTest").setName("n").setIdCardNumber("1")
        .setFaceImage(Image.newBuilder().setUrl(faceUrl).build()).build())
      .build();
  }

  private static DedupEntry inFlight(VerificationRequest request, SourcePosition position, SourcePosition... parked) {
    List<ParkedDuplicate> parkedList = new ArrayList<>();
    for (SourcePosition p : parked) {
      parkedList.add(p.toParked(List.of()));
    }
    return DedupEntry.newBuilder().setBizId(request.getBizId())
      .setFingerprint(ByteBuffer.wrap(RequestFingerprint.of(request))).setStatus(DedupStatus.IN_FLIGHT)
      .setRequest(request).setSourceTopic(position.topic()).setSourcePartition(position.partition())
      .setSourceOffset(position.offset()).setParked(parkedList)
      .setCreatedAt(Instant.ofEpochMilli(1)).setUpdatedAt(Instant.ofEpochMilli(1)).build();
  }

  private static DedupEntry completed(VerificationRequest request, SourcePosition position, CheckType type, Outcome outcome) {
    DedupEntry entry = inFlight(request, position);
    entry.setStatus(DedupStatus.COMPLETED);
    entry.setRequest(null);
    entry.setVerificationResult(VerificationResult.newBuilder().setBizId(request.getBizId()).setCheckType(type)
      .setOutcome(outcome).setAttempts(1).setRequestedAt(Instant.ofEpochMilli(1)).setCompletedAt(Instant.ofEpochMilli(2))
      .build());
    return entry;
  }

  @Test
  void shouldStartWhenNoEntryExists() {
    assertThat(decide(null, FIRST, credential("0301"))).isEqualTo(DedupDecision.START);
  }

  @Test
  void shouldStartAgainAfterAFailedCallButNotForItsOwnRecordsReadAgain() {
    VerificationRequest request = credential("0301");
    // under at_least_once a failed call's entry stays DEAD_LETTERED until a commit confirms its dead letters
    DedupEntry deadLettered = inFlight(request, FIRST, LATER);
    deadLettered.setStatus(DedupStatus.DEAD_LETTERED);
    deadLettered.setRequest(null);

    assertThat(decide(deadLettered, new SourcePosition("idv.requests", 3, 400), request))
      .as("an operator's replay of the dead letter").isEqualTo(DedupDecision.START);
    assertThat(decide(deadLettered, FIRST, request)).isEqualTo(DedupDecision.REDELIVERED);
    assertThat(decide(deadLettered, LATER, request)).isEqualTo(DedupDecision.ALREADY_PARKED);
  }

  @Test
  void shouldTellTheStartingRecordReadAgainFromADuplicate() {
    VerificationRequest request = credential("0301");

    assertThat(decide(inFlight(request, FIRST), FIRST, request)).isEqualTo(DedupDecision.REDELIVERED);
    assertThat(decide(completed(request, FIRST, CheckType.CREDENTIAL, Outcome.PASS), FIRST, request))
      .isEqualTo(DedupDecision.REDELIVERED);
  }

  @Test
  void shouldTellARecordOfTheOtherInputTopicAtTheSameOffsetFromARedelivery() {
    VerificationRequest request = credential("0301");

    assertThat(decide(inFlight(request, FIRST), OTHER_TOPIC, request)).isEqualTo(DedupDecision.PARK);
  }

  @Test
  void shouldParkAnExactDuplicateOfARequestInFlight() {
    VerificationRequest request = credential("0301");

    assertThat(decide(inFlight(request, FIRST), LATER, request)).isEqualTo(DedupDecision.PARK);
  }

  @Test
  void shouldIgnoreADuplicateAlreadyParked() {
    VerificationRequest request = credential("0301");

    assertThat(decide(inFlight(request, FIRST, LATER), LATER, request)).isEqualTo(DedupDecision.ALREADY_PARKED);
  }

  @Test
  void shouldReplayAnExactDuplicateOfACompletedRequest() {
    VerificationRequest request = credential("0301");

    assertThat(decide(completed(request, FIRST, CheckType.CREDENTIAL, Outcome.PASS), LATER, request))
      .isEqualTo(DedupDecision.REPLAY);
  }

  @Test
  void shouldTreatDifferentEnvelopeButSameCheckAsAnExactDuplicate() {
    VerificationRequest request = credential("0301");
    VerificationRequest resent = VerificationRequest.newBuilder(request).setRequestedAt(Instant.ofEpochMilli(99))
      .setSource("retry").build();

    assertThat(decide(completed(request, FIRST, CheckType.CREDENTIAL, Outcome.PASS), LATER, resent))
      .isEqualTo(DedupDecision.REPLAY);
  }

  @Test
  void shouldCallVerifyMaterialAgainAfterAResultOtherThanPass() {
    VerificationRequest first = material("https://img.example/a.jpg");
    VerificationRequest second = material("https://img.example/b.jpg");

    assertThat(decide(completed(first, FIRST, CheckType.MATERIAL, Outcome.FAIL), LATER, second))
      .isEqualTo(DedupDecision.RESUBMIT);
  }

  @Test
  void shouldNotResubmitVerifyMaterialAfterAPassOrWhileInFlight() {
    VerificationRequest first = material("https://img.example/a.jpg");
    VerificationRequest second = material("https://img.example/b.jpg");

    assertThat(decide(completed(first, FIRST, CheckType.MATERIAL, Outcome.PASS), LATER, second))
      .isEqualTo(DedupDecision.CONFLICT);
    assertThat(decide(inFlight(first, FIRST), LATER, second)).isEqualTo(DedupDecision.CONFLICT);
  }

  @Test
  void shouldCountAVerifyMaterialUserIdAsPartOfTheRequest() {
    VerificationRequest first = material("https://img.example/a.jpg");
    VerificationRequest otherUser = VerificationRequest.newBuilder(first).setUserId("u-2").build();

    assertThat(decide(inFlight(first, FIRST), LATER, otherUser)).isEqualTo(DedupDecision.CONFLICT);
  }

  @Test
  void shouldDeadLetterOtherContentUnderAUsedBizId() {
    VerificationRequest first = credential("0301");
    VerificationRequest other = credential("0302");

    assertThat(decide(inFlight(first, FIRST), LATER, other)).isEqualTo(DedupDecision.CONFLICT);
    assertThat(decide(completed(first, FIRST, CheckType.CREDENTIAL, Outcome.REVIEW), LATER, other))
      .isEqualTo(DedupDecision.CONFLICT);
  }

  @AfterAll
  static void everyDecisionIsReached() {
    assertThat(REACHED).containsExactlyInAnyOrder(DedupDecision.values());
  }
}
