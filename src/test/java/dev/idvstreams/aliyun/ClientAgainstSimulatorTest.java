package dev.idvstreams.aliyun;

import dev.idvstreams.api.Api;
import dev.idvstreams.api.SignatureVersion;
import static dev.idvstreams.simulator.SimulatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.idvstreams.simulator.AccountState;
import dev.idvstreams.simulator.SimulatorHarness;
import dev.idvstreams.simulator.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Our client against the simulator over HTTP: every API, every outcome, every error class. */
class ClientAgainstSimulatorTest {

  /** A download nobody gives up. */
  private static final io.vertx.core.Future<Void> NOT_ABORTED = io.vertx.core.Promise.<Void>promise().future();

  private static SimulatorHarness sim;
  private static IdVerificationClient client;

  @BeforeAll
  static void start() {
    SimulatorOptions.Builder options = SimulatorOptions.builder().repeatWindow(Duration.ofSeconds(30));
    for (Api api : Api.values()) {
      options.qps(api, 1000);
    }
    sim = new SimulatorHarness(options.build());
    client = sim.client(o -> o);
  }

  @AfterAll
  static void stop() {
    client.close();
    sim.close();
  }

  // --- CredentialVerifyIntl ---

  @Test
  void shouldAnswerNoRiskForPlainCredential() {
    CredentialVerifyResponse response = await(client.credentialVerify(credential(TestImages.url("plain"))));

    assertThat(response.code()).isEqualTo("Success");
    assertThat(response.result()).isEqualTo("0");
    assertThat(response.riskTags()).isEmpty();
    assertThat(response.requestId()).isNotBlank();
  }

  @Test
  void shouldSplitRiskTagsAndScoreEachTag() {
    CredentialVerifyResponse response = await(client.credentialVerify(
        credential(TestImages.url("sim-risk-PS/sim-risk-SCREEN_PHOTO"))));

    assertThat(response.result()).isEqualTo("1");
    assertThat(response.riskTags()).containsExactly("PS", "SCREEN_PHOTO");
    assertThat(response.riskScore()).containsOnlyKeys("PS", "SCREEN_PHOTO");
  }

  @Test
  void shouldSendInlineCredentialImageAsBodyField() {
    CredentialVerifyResponse response = await(client.credentialVerify(new CredentialVerifyRequest("03", "0301",
        null, ImageSource.ofBytes(TestImages.jpg("sim-risk-SCREENSHOT")))));

    assertThat(response.riskTags()).containsExactly("SCREENSHOT");
  }

  @Test
  void shouldAnswerSuspectedCredential() {
    assertThat(await(client.credentialVerify(credential(TestImages.url("sim-suspect")))).result()).isEqualTo("2");
  }

  @ParameterizedTest
  @CsvSource({
      "Throttling.User, THROTTLED, 400",
      "InternalError, TRANSIENT, 500",
      "Forbidden.ExceptionDataSource, TRANSIENT, 500",
      "DataDuplication, REPEATED, 401",
      "InvalidParameter, INPUT_REJECTED, 401",
      "UnqualifiedPhoto, INPUT_REJECTED, 401",
      "ToolargeImage, INPUT_REJECTED, 401",
      "Forbidden.AccountAccessDenied, ACCOUNT, 403",
      "Forbidden.RAMUserAccessDenied, ACCOUNT, 403"})
  void shouldClassifyCredentialErrors(String code, ErrorClass expected, int status) {
    ApiException e = failure(client.credentialVerify(credential(TestImages.url("sim-error-" + code))));

    assertThat(e.api()).isEqualTo(Api.CREDENTIAL_VERIFY_INTL);
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.errorClass()).isEqualTo(expected);
    assertThat(e.httpStatus()).isEqualTo(status);
    assertThat(e.requestId()).isNotBlank();
  }

  @Test
  void shouldRejectCredentialWithMissingParameter() {
    ApiException e = failure(client.credentialVerify(
        new CredentialVerifyRequest("", "0301", null, ImageSource.ofUrl(TestImages.url("plain")))));

    assertThat(e.code()).isEqualTo("MissingParameter");
    assertThat(e.errorClass()).isEqualTo(ErrorClass.INPUT_REJECTED);
  }

  @Test
  void shouldAnswerRepeatedCredentialCallWithinWindow() {
    CredentialVerifyRequest request = credential(TestImages.url("plain"));
    await(client.credentialVerify(request));

    ApiException e = failure(client.credentialVerify(request));

    assertThat(e.code()).isEqualTo("Forbidden.ExceptionRepeatedInvoke");
    assertThat(e.errorClass()).isEqualTo(ErrorClass.REPEATED);
  }

  // --- VerifyMaterial ---

  @Test
  void shouldPassMaterialWithOcrOfTheCard() {
    VerifyMaterialResponse response = await(client.verifyMaterial(material(TestImages.url("face"),
        "https://img.example.test/front.jpg", "https://img.example.test/back.jpg")));

    assertThat(response.code()).isEqualTo("200");
    assertThat(response.success()).isTrue();
    assertThat(response.verifyStatus()).isEqualTo(1);
    assertThat(response.authorityComparisonScore()).isEqualTo(97.0);
    assertThat(response.idCardFaceComparisonScore()).isEqualTo(96.0);
    assertThat(response.verifyToken()).hasSize(32);
    assertThat(response.material().faceQuality()).isEqualTo("NORMAL");
    assertThat(response.material().faceMask()).isFalse();
    assertThat(response.material().idCardNumber()).isEqualTo("02343218901123****");
    assertThat(response.material().idCardInfo().name()).isEqualTo("张三");
    assertThat(response.material().idCardInfo().birth()).isEqualTo("18901123");
    assertThat(response.material().idCardInfo().frontImageUrl()).isEqualTo("https://img.example.test/front.jpg");
  }

  @ParameterizedTest
  @CsvSource({"2", "3", "4", "5", "6", "7", "8", "9", "11"})
  void shouldAnswerEachFailedVerifyStatus(int status) {
    VerifyMaterialResponse response = await(client.verifyMaterial(
        material(TestImages.url("sim-status-" + status), "https://img.example.test/front.jpg", null)));

    assertThat(response.verifyStatus()).isEqualTo(status);
    assertThat(response.material().idCardInfo()).isNotNull();
  }

  @Test
  void shouldScoreFaceMismatchesLow() {
    VerifyMaterialResponse cardMismatch = await(client.verifyMaterial(
        material(TestImages.url("sim-status-6"), "https://img.example.test/front.jpg", null)));
    VerifyMaterialResponse authorityMismatch = await(client.verifyMaterial(material(TestImages.url("sim-status-7"), null, null)));

    assertThat(cardMismatch.idCardFaceComparisonScore()).isLessThan(60.0);
    assertThat(authorityMismatch.authorityComparisonScore()).isLessThan(60.0);
    assertThat(authorityMismatch.idCardFaceComparisonScore()).isNull();
    assertThat(authorityMismatch.material().idCardInfo()).isNull();
  }

  @Test
  void shouldTreatVerifyStatus12AsTransient() {
    ApiException e = failure(client.verifyMaterial(material(TestImages.url("sim-status-12"), null, null)));

    assertThat(e.code()).isEqualTo(ApiException.VERIFY_STATUS_12);
    assertThat(e.errorClass()).isEqualTo(ErrorClass.TRANSIENT);
  }

  @ParameterizedTest
  @CsvSource({
      "Throttling.User, THROTTLED, 400",
      "SystemError, TRANSIENT, 500",
      "DownloadTimedOut, TRANSIENT, 422",
      "ParameterIsNull, INPUT_REJECTED, 400",
      "InvalidParameter, INPUT_REJECTED, 401",
      "ResourcesTooLarge, INPUT_REJECTED, 421",
      "NoFaceDetected, INPUT_REJECTED, 435",
      "NoPermission, ACCOUNT, 403",
      "NoSubscribeService, ACCOUNT, 410",
      "InDebt, ACCOUNT, 412"})
  void shouldClassifyMaterialErrors(String code, ErrorClass expected, int status) {
    ApiException e = failure(client.verifyMaterial(material(TestImages.url("sim-error-" + code), null, null)));

    assertThat(e.code()).isEqualTo(code);
    assertThat(e.errorClass()).isEqualTo(expected);
    assertThat(e.httpStatus()).isEqualTo(status);
  }

  @Test
  void shouldAnswerRepeatedBizIdWithinWindow() {
    VerifyMaterialRequest first = material(TestImages.url("face"), null, null);
    await(client.verifyMaterial(first));

    ApiException e = failure(client.verifyMaterial(first));

    assertThat(e.code()).isEqualTo("Forbidden.ExceptionRepeatedInvoke");
    assertThat(e.errorClass()).isEqualTo(ErrorClass.REPEATED);
  }

  // --- SAF intl_face_verify ---

  @Test
  void shouldPassMatchingFaces() {
    FaceVerifyResponse response = await(client.faceVerify(face("")));

    assertThat(response.code()).isEqualTo(200);
    assertThat(response.data().passed()).isTrue();
    assertThat(response.data().retCode()).isEqualTo("OK_SUCCESS");
    assertThat(response.data().retCodeSub()).isEqualTo("Z1140");
    assertThat(response.data().extInfo().result()).isTrue();
    assertThat(response.data().extInfo().score()).isGreaterThan(90.0);
    assertThat(response.data().extInfo().faceAttack()).isFalse();
  }

  @Test
  void shouldFailMismatchedFaces() {
    FaceVerifyResponse response = await(client.faceVerify(face("sim-mismatch")));

    assertThat(response.data().passed()).isFalse();
    assertThat(response.data().extInfo().score()).isLessThan(60.0);
    assertThat(response.data().extInfo().faceAttack()).isFalse();
  }

  @Test
  void shouldReportSpoofAttack() {
    FaceVerifyResponse response = await(client.faceVerify(face("sim-spoof")));

    assertThat(response.data().passed()).isFalse();
    assertThat(response.data().extInfo().faceAttack()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
      "sim-error-402, 402, THROTTLED",
      "sim-error-500, 500, TRANSIENT",
      "sim-processing, PROCESSING, TRANSIENT",
      "sim-error-400, 400, INPUT_REJECTED",
      "sim-unusable, UNABLE_GET_IMAGE, INPUT_REJECTED",
      "sim-error-403, 403, ACCOUNT",
      "sim-error-404, 404, ACCOUNT"})
  void shouldClassifyFaceErrors(String marker, String code, ErrorClass expected) {
    ApiException e = failure(client.faceVerify(face(marker)));

    assertThat(e.api()).isEqualTo(Api.FACE_VERIFY);
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.errorClass()).isEqualTo(expected);
  }

  @Test
  void shouldRejectFaceImageThatIsNotJpg() {
    ApiException e = failure(client.faceVerify(new FaceVerifyRequest("00840000",
        new byte[] {'P', 'N', 'G', 1}, TestImages.jpg(""))));

    assertThat(e.code()).isEqualTo("400");
    assertThat(e.errorClass()).isEqualTo(ErrorClass.INPUT_REJECTED);
  }

  @Test
  void shouldAnswerRepeatedFaceContentWithinWindow() {
    FaceVerifyRequest request = face("");
    await(client.faceVerify(request));

    assertThat(failure(client.faceVerify(request)).errorClass()).isEqualTo(ErrorClass.REPEATED);
  }

  @Test
  void shouldDownloadFaceImagesGivenByUrl() {
    byte[] ref = TestImages.jpg("");
    byte[] auth = TestImages.jpg("sim-mismatch");
    HttpServer images = await(sim.vertx.createHttpServer()
        .requestHandler(req -> req.response().end(io.vertx.core.buffer.Buffer.buffer(
            req.path().equals("/ref.jpg") ? ref : auth)))
        .listen(0, "127.0.0.1"));
    try {
      String base = "http://127.0.0.1:" + images.actualPort();
      byte[] refFetched = await(client.image(ImageSource.ofUrl(base + "/ref.jpg"), NOT_ABORTED));
      byte[] authFetched = await(client.image(ImageSource.ofUrl(base + "/auth.jpg"), NOT_ABORTED));
      assertThat(refFetched).isEqualTo(ref);
      assertThat(authFetched).isEqualTo(auth);

      FaceVerifyResponse response = await(client.faceVerify(new FaceVerifyRequest("00840000", refFetched, authFetched)));
      assertThat(response.data().passed()).isFalse();
      assertThat(response.data().extInfo().score()).isLessThan(60.0);
    } finally {
      await(images.close());
    }
  }

  @Test
  void shouldRefuseLoopbackImageUrlByDefault() {
    try (IdVerificationClient guarded = sim.client(o -> o.imageFetch(ImageFetchOptions.defaults()))) {
      ApiException e = failure(guarded.image(ImageSource.ofUrl("http://127.0.0.1:1/ref.jpg"), NOT_ABORTED));

      assertThat(e.code()).isEqualTo("ImageUrl.AddressRefused");
      assertThat(e.errorClass()).isEqualTo(ErrorClass.INPUT_REJECTED);
    }
  }

  // --- every API: signatures, account state, network ---

  @ParameterizedTest
  @EnumSource(SignatureVersion.class)
  void shouldAnswerSignatureErrorToWrongSecret(SignatureVersion version) {
    try (IdVerificationClient wrong = sim.client(o -> o
        .staticKeys(SimulatorOptions.DEFAULT_ACCESS_KEY_ID, "not-the-secret")
        .signatureVersion(Api.VERIFY_MATERIAL, version)
        .signatureVersion(Api.FACE_VERIFY, version))) {
      ApiException material = failure(wrong.verifyMaterial(material(TestImages.url("face"), null, null)));
      ApiException face = failure(wrong.faceVerify(face("")));

      assertThat(material.code()).isEqualTo("SignatureDoesNotMatch");
      assertThat(material.errorClass()).isEqualTo(ErrorClass.ACCOUNT);
      assertThat(face.code()).isEqualTo("SignatureDoesNotMatch");
      assertThat(face.errorClass()).isEqualTo(ErrorClass.ACCOUNT);
    }
  }

  @ParameterizedTest
  @EnumSource(SignatureVersion.class)
  void shouldRefuseReusedNonceAndStaleTimestamp(SignatureVersion version) {
    ClientOptions options = ClientOptions.builder().endpointOverride(sim.endpoint())
        .staticKeys(SimulatorOptions.DEFAULT_ACCESS_KEY_ID, SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET)
        .signatureVersion(Api.VERIFY_MATERIAL, version).build();
    String nonce = UUID.randomUUID().toString();
    ImageFetcher images = new ImageFetcher(sim.vertx, ImageFetchOptions.defaults());
    try (IdVerificationClient sameNonce = new IdVerificationClient(sim.vertx, options, images,
            new RequestSigner(Clock.systemUTC(), () -> nonce));
        IdVerificationClient lateClock = new IdVerificationClient(sim.vertx, options, images,
            new RequestSigner(Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)), () -> UUID.randomUUID().toString()))) {
      await(sameNonce.verifyMaterial(material(TestImages.url("face"), null, null)));

      ApiException reused = failure(sameNonce.verifyMaterial(material(TestImages.url("face"), null, null)));
      ApiException stale = failure(lateClock.verifyMaterial(material(TestImages.url("face"), null, null)));

      assertThat(reused.code()).isEqualTo("SignatureNonceUsed");
      assertThat(stale.code()).isEqualTo("InvalidTimeStamp.Expired");
      assertThat(stale.errorClass()).isEqualTo(ErrorClass.ACCOUNT);
    }
  }

  @Test
  void shouldAnswerUnknownAccessKey() {
    try (IdVerificationClient unknown = sim.client(o -> o.staticKeys("nobody", "x"))) {
      ApiException e = failure(unknown.credentialVerify(credential(TestImages.url("plain"))));

      assertThat(e.code()).isEqualTo("InvalidAccessKeyId.NotFound");
      assertThat(e.errorClass()).isEqualTo(ErrorClass.ACCOUNT);
    }
  }

  @ParameterizedTest
  @EnumSource(SignatureVersion.class)
  void shouldAcceptEitherSignatureVersionForEveryApi(SignatureVersion version) {
    try (IdVerificationClient signed = sim.client(o -> {
      for (Api api : Api.values()) {
        o.signatureVersion(api, version);
      }
      return o;
    })) {
      assertThat(await(signed.credentialVerify(credential(TestImages.url("plain")))).code()).isEqualTo("Success");
      assertThat(await(signed.verifyMaterial(material(TestImages.url("face"), null, null))).verifyStatus()).isEqualTo(1);
      assertThat(await(signed.faceVerify(face(""))).data().passed()).isTrue();
    }
  }

  @Test
  void shouldHoldAccountErrorsWhileInDebtAndRecover() {
    sim.simulator.accountState(Api.VERIFY_MATERIAL, AccountState.IN_DEBT);
    try {
      ApiException e = failure(client.verifyMaterial(material(TestImages.url("face"), null, null)));

      assertThat(e.code()).isEqualTo("InDebt");
      assertThat(e.errorClass()).isEqualTo(ErrorClass.ACCOUNT);
    } finally {
      sim.simulator.accountState(Api.VERIFY_MATERIAL, AccountState.OK);
    }
    assertThat(await(client.verifyMaterial(material(TestImages.url("face"), null, null))).verifyStatus()).isEqualTo(1);
  }

  @Test
  void shouldReportNetworkErrorAsTransient() {
    try (IdVerificationClient nowhere = sim.client(o -> o.endpointOverride("http://127.0.0.1:1"))) {
      ApiException e = failure(nowhere.verifyMaterial(material(TestImages.url("face"), null, null)));

      assertThat(e.code()).isEqualTo(ApiException.NETWORK_ERROR);
      assertThat(e.httpStatus()).isNull();
      assertThat(e.errorClass()).isEqualTo(ErrorClass.TRANSIENT);
    }
  }

  @Test
  void shouldRefuseAnAnswerLargerThanAnyOfTheApisAsInvalid() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      String huge = "{\"RequestId\":\"r\",\"Code\":\"Success\",\"Pad\":\"" + "x".repeat(IdVerificationClient.MAX_ANSWER_BYTES) + "\"}";
      io.vertx.core.http.HttpServer server = vertx.createHttpServer()
          .requestHandler(request -> request.response().putHeader("Content-Type", "application/json").end(huge))
          .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
      try (IdVerificationClient client = sim.client(o -> o.endpointOverride("http://127.0.0.1:" + server.actualPort()))) {
        ApiException e = failure(client.credentialVerify(credential(TestImages.url("plain"))));

        assertThat(e.code()).isEqualTo(ApiException.INVALID_RESPONSE);
        assertThat(e.errorClass()).isEqualTo(ErrorClass.TRANSIENT);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldTimeOutUnansweredCallAsTransient() {
    try (SimulatorHarness silent = new SimulatorHarness(SimulatorOptions.builder()
        .timeouts(1.0, Duration.ofSeconds(10)).build());
        IdVerificationClient impatient = silent.client(o -> o.requestTimeout(Duration.ofMillis(300)))) {
      long started = System.nanoTime();
      ApiException e = failure(impatient.credentialVerify(credential(TestImages.url("plain"))));

      assertThat(e.code()).isEqualTo(ApiException.TIMEOUT);
      assertThat(e.errorClass()).isEqualTo(ErrorClass.TRANSIENT);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void shouldEndATimedOutCallOnTheWire() {
    try (SimulatorHarness silent = new SimulatorHarness(SimulatorOptions.builder()
        .timeouts(1.0, Duration.ofSeconds(30)).build());
        IdVerificationClient impatient = silent.client(o -> o.requestTimeout(Duration.ofMillis(300)))) {
      ApiException e = failure(impatient.credentialVerify(credential(TestImages.url("plain"))));
      assertThat(e.code()).isEqualTo(ApiException.TIMEOUT);

      // the simulator would hold the call 30 s: only a reset ends it before
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
          silent.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).callsInFlight() == 0);
    }
  }

  @Test
  void shouldResetACallOnTheWireWhenItsCallerAborts() {
    try (SimulatorHarness silent = new SimulatorHarness(SimulatorOptions.builder()
        .timeouts(1.0, Duration.ofSeconds(30)).build());
        IdVerificationClient patient = silent.client(o -> o.requestTimeout(Duration.ofSeconds(60)))) {
      io.vertx.core.Promise<Void> abort = io.vertx.core.Promise.promise();
      Future<CredentialVerifyResponse> call = patient.credentialVerify(credential(TestImages.url("plain")),
          new CallControl(Future::succeededFuture, () -> { }, abort.future()));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
          silent.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).callsInFlight() == 1);

      abort.complete();

      assertThat(failure(call).code()).isEqualTo(ApiException.ABORTED);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
          silent.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).callsInFlight() == 0);
    }
  }

  static CredentialVerifyRequest credential(String url) {
    return new CredentialVerifyRequest("03", "0301", null, ImageSource.ofUrl(url));
  }

  static VerifyMaterialRequest material(String faceUrl, String front, String back) {
    return VerifyMaterialRequest.of("biz-" + UUID.randomUUID(), "RPMinTest", "张三", "023432189011230017",
        faceUrl, front, back);
  }

  static FaceVerifyRequest face(String marker) {
    return new FaceVerifyRequest(marker.startsWith("sim-error") ? marker : "00840000",
        TestImages.jpg(""), TestImages.jpg(marker));
  }

  static ApiException failure(Future<?> future) {
    return catchThrowableOfType(ApiException.class, () -> await(future));
  }
}
