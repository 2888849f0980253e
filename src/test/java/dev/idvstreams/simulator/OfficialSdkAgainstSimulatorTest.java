package dev.idvstreams.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.models.Config;
import com.aliyun.teaopenapi.models.OpenApiRequest;
import com.aliyun.teaopenapi.models.Params;
import com.aliyun.teautil.models.RuntimeOptions;
import com.aliyuncs.CommonRequest;
import com.aliyuncs.CommonResponse;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;
import dev.idvstreams.api.Api;
import dev.idvstreams.aliyun.TestImages;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official SDK clients, unchanged, against the simulator over HTTP on 127.0.0.1: tea-openapi's
 * {@code callApi} for the cloudauth APIs with both signatures (V3 by default, 1.0 when the
 * signature algorithm is {@code v2}), aliyun-java-sdk-core's {@code CommonRequest} for SAF as its
 * guide shows. Right keys get the documented answers, a wrong secret gets {@code SignatureDoesNotMatch}.
 */
class OfficialSdkAgainstSimulatorTest {

  private static SimulatorHarness sim;

  @BeforeAll
  static void start() {
    sim = new SimulatorHarness(SimulatorOptions.builder().build());
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** {@code v2} makes tea-openapi sign with RPC signature 1.0; unset means V3. */
  @ParameterizedTest
  @ValueSource(strings = {"v3", "v2"})
  void shouldAnswerTeaSdkCredentialVerify(String algorithm) throws Exception {
    ApiStats.Snapshot before = sim.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL);
    Map<String, String> query = new LinkedHashMap<>();
    query.put("CredType", "03");
    query.put("CredName", "0301");
    query.put("ProductCode", "ANTI_FAKE_CHECK");
    query.put("ImageUrl", TestImages.url("sim-risk-PS"));

    Map<String, ?> body = body(tea(algorithm, SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET)
        .callApi(params(Api.CREDENTIAL_VERIFY_INTL), new OpenApiRequest().setQuery(query), new RuntimeOptions()));

    assertThat(body.get("Code")).isEqualTo("Success");
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) body.get("ResultObject");
    assertThat(result).containsEntry("Result", "1").containsEntry("RiskTag", "PS");
    ApiStats.Snapshot after = sim.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL);
    boolean v1 = algorithm.equals("v2");
    assertThat(after.signedV1() - before.signedV1()).isEqualTo(v1 ? 1 : 0);
    assertThat(after.signedV3() - before.signedV3()).isEqualTo(v1 ? 0 : 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"v3", "v2"})
  void shouldAnswerTeaSdkVerifyMaterialWithFormBody(String algorithm) throws Exception {
    Map<String, String> query = Map.of("BizId", "biz-" + UUID.randomUUID(), "BizType", "RPMinTest");
    Map<String, Object> form = new LinkedHashMap<>();
    form.put("Name", "张三");
    form.put("IdCardNumber", "023432189011230017");
    form.put("FaceImageUrl", TestImages.url("sim-status-7 a+b*c~"));

    Map<String, ?> body = body(tea(algorithm, SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET)
        .callApi(params(Api.VERIFY_MATERIAL), new OpenApiRequest().setQuery(query).setBody(form), new RuntimeOptions()));

    assertThat(body.get("Code")).isEqualTo("200");
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) body.get("ResultObject");
    assertThat(result).containsEntry("VerifyStatus", "7");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v3", "v2"})
  void shouldRejectTeaSdkWithWrongSecret(String algorithm) {
    int failuresBefore = (int) sim.simulator.stats().get(Api.VERIFY_MATERIAL).signatureFailures();
    Map<String, String> query = Map.of("BizId", "biz-" + UUID.randomUUID(), "BizType", "RPMinTest",
        "Name", "张三", "IdCardNumber", "023432189011230017", "FaceImageUrl", TestImages.url("face"));

    TeaException e = catchThrowableOfType(TeaException.class, () -> tea(algorithm, "wrong-secret")
        .callApi(params(Api.VERIFY_MATERIAL), new OpenApiRequest().setQuery(query), new RuntimeOptions()));

    assertThat(e.getCode()).isEqualTo("SignatureDoesNotMatch");
    assertThat(e.getStatusCode()).isEqualTo(400);
    assertThat(sim.simulator.stats().get(Api.VERIFY_MATERIAL).signatureFailures()).isEqualTo(failuresBefore + 1);
  }

  @Test
  void shouldAnswerSdkCoreFaceVerifyAsTheGuideCallsIt() throws Exception {
    long signedV1Before = sim.simulator.stats().get(Api.FACE_VERIFY).signedV1();

    CommonResponse response = sdkCore(SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET).getCommonResponse(faceRequest("sim-spoof"));

    JsonObject body = new JsonObject(response.getData());
    assertThat(body.getInteger("Code")).isEqualTo(200);
    JsonObject data = new JsonObject(body.getString("Data"));
    assertThat(data.getString("passed")).isEqualTo("false");
    assertThat(data.getJsonObject("extInfo").getString("faceAttack")).isEqualTo("true");
    assertThat(sim.simulator.stats().get(Api.FACE_VERIFY).signedV1()).isEqualTo(signedV1Before + 1);
  }

  @Test
  void shouldAnswerSdkCoreWithLargeImagesInTheQueryString() throws Exception {
    // the core SDK puts ServiceParameters, two base64 images, in the query: two 60 KB JPEG headers
    // make a request line of about 200 KB, where Vert.x's default of 4,096 bytes answered an 8 KB
    // image with an empty body ("Server response has a bad format type: null")
    CommonRequest request = faceRequest("sim-spoof");
    JsonObject service = new JsonObject()
        .put("refFaceContent", Base64.getEncoder().encodeToString(TestImages.jpg("x".repeat(60_000))))
        .put("authFaceContent", Base64.getEncoder().encodeToString(TestImages.jpg("sim-spoof " + "y".repeat(60_000))))
        .put("resourceCode", "00840000");
    request.putQueryParameter("ServiceParameters", service.encode());

    CommonResponse response = sdkCore(SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET).getCommonResponse(request);

    JsonObject body = new JsonObject(response.getData());
    assertThat(body.getInteger("Code")).as(response.getData()).isEqualTo(200);
    assertThat(new JsonObject(body.getString("Data")).getJsonObject("extInfo").getString("faceAttack")).isEqualTo("true");
  }

  @Test
  void shouldAnswerAnOverLongRequestLineInTheGatewaysErrorShape() throws Exception {
    java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + sim.port + "/?Action=ExecuteRequest&x="
            + "a".repeat(17 * 1024 * 1024))).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(414);
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("Code")).isEqualTo("RequestURITooLong");
    assertThat(body.getString("RequestId")).isNotBlank();
  }

  /** Every path of tea-openapi: each API, each signature, its parameters in the query or in a form body. */
  static java.util.stream.Stream<Arguments> teaPaths() {
    return java.util.Arrays.stream(Api.values()).flatMap(api -> java.util.stream.Stream.of("v3", "v2").flatMap(signature ->
        java.util.stream.Stream.of("query", "form").map(where -> Arguments.of(api, signature, where))));
  }

  @ParameterizedTest(name = "{0} signed {1}, parameters in the {2}")
  @MethodSource("teaPaths")
  void shouldRefuseAWrongSecretOnEveryTeaSdkPath(Api api, String algorithm, String where) {
    long failuresBefore = sim.simulator.stats().get(api).signatureFailures();
    long acceptedBefore = sim.simulator.stats().get(api).accepted();

    TeaException e = catchThrowableOfType(TeaException.class, () -> tea(algorithm, "wrong-secret")
        .callApi(params(api), teaRequest(api, where), new RuntimeOptions()));

    assertThat(e).as("refused").isNotNull();
    assertThat(e.getCode()).isEqualTo("SignatureDoesNotMatch");
    assertThat(e.getStatusCode()).isEqualTo(400);
    assertThat(sim.simulator.stats().get(api).signatureFailures()).isEqualTo(failuresBefore + 1);
    assertThat(sim.simulator.stats().get(api).accepted()).isEqualTo(acceptedBefore);
  }

  /** The same paths with the right secret: answered, so the refusal above is the secret's, not the path's. */
  @ParameterizedTest(name = "{0} signed {1}, parameters in the {2}")
  @MethodSource("teaPaths")
  void shouldAnswerEveryTeaSdkPath(Api api, String algorithm, String where) throws Exception {
    long acceptedBefore = sim.simulator.stats().get(api).accepted();

    Map<String, ?> body = body(tea(algorithm, SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET)
        .callApi(params(api), teaRequest(api, where), new RuntimeOptions()));

    assertThat(String.valueOf(body.get("Code"))).isIn("Success", "200");
    assertThat(sim.simulator.stats().get(api).accepted()).isEqualTo(acceptedBefore + 1);
  }

  private static OpenApiRequest teaRequest(Api api, String where) {
    Map<String, Object> parameters = new LinkedHashMap<>(switch (api) {
      case CREDENTIAL_VERIFY_INTL -> Map.of("CredType", "03", "CredName", "0301", "ProductCode", "ANTI_FAKE_CHECK",
          "ImageUrl", TestImages.url("plain"));
      case VERIFY_MATERIAL -> Map.of("BizId", "biz-" + UUID.randomUUID(), "BizType", "RPMinTest", "Name", "张三",
          "IdCardNumber", "023432189011230017", "FaceImageUrl", TestImages.url("face"));
      case FACE_VERIFY -> Map.of("Service", Api.FACE_VERIFY_SERVICE, "ServiceParameters", new JsonObject()
          .put("refFaceContent", Base64.getEncoder().encodeToString(TestImages.jpg("x".repeat(8_000))))
          .put("authFaceContent", Base64.getEncoder().encodeToString(TestImages.jpg("ok")))
          .put("resourceCode", "00840000").encode());
    });
    OpenApiRequest request = new OpenApiRequest();
    if (where.equals("query")) {
      Map<String, String> query = new LinkedHashMap<>();
      parameters.forEach((key, value) -> query.put(key, value.toString()));
      request.setQuery(query);
    } else {
      request.setBody(parameters);
    }
    return request;
  }

  /** aliyun-java-sdk-core: its parameters in the query (as its guide shows, large images included) or in a form body. */
  @ParameterizedTest
  @ValueSource(strings = {"small query", "large query", "form"})
  void shouldRefuseAWrongSecretOnEverySdkCorePath(String where) {
    long failuresBefore = sim.simulator.stats().get(Api.FACE_VERIFY).signatureFailures();
    CommonRequest request = sdkCoreRequest(where);

    ClientException e = catchThrowableOfType(ClientException.class,
        () -> sdkCore("wrong-secret").getCommonResponse(request));

    assertThat(e).as("refused").isNotNull();
    assertThat(e.getErrCode()).isEqualTo("SignatureDoesNotMatch");
    assertThat(sim.simulator.stats().get(Api.FACE_VERIFY).signatureFailures()).isEqualTo(failuresBefore + 1);
  }

  /**
   * The same paths with the right secret: answered, so the refusal above is the secret's, not the
   * path's; and the largest request the documents allow, two 3 MB inline images (8 MB of base64),
   * in the query and in a form body.
   */
  @ParameterizedTest
  @ValueSource(strings = {"small query", "large query", "form", "largest query", "largest form"})
  void shouldAnswerEverySdkCorePath(String where) throws Exception {
    CommonResponse response = sdkCore(SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET).getCommonResponse(sdkCoreRequest(where));

    JsonObject body = new JsonObject(response.getData());
    assertThat(body.getInteger("Code")).as(response.getData()).isEqualTo(200);
    assertThat(new JsonObject(body.getString("Data")).getString("passed")).isEqualTo("true");
  }

  private static CommonRequest sdkCoreRequest(String where) {
    CommonRequest request = faceRequest("ok");
    if (!where.equals("small query")) {
      boolean largest = where.startsWith("largest");
      byte[] ref = TestImages.jpg("x".repeat(60_000));
      byte[] auth = TestImages.jpg("ok " + "y".repeat(60_000));
      JsonObject service = new JsonObject()
          .put("refFaceContent", Base64.getEncoder().encodeToString(largest ? java.util.Arrays.copyOf(ref, 3_000_000) : ref))
          .put("authFaceContent", Base64.getEncoder().encodeToString(largest ? java.util.Arrays.copyOf(auth, 3_000_000) : auth))
          .put("resourceCode", "00840000");
      if (where.endsWith("form")) {
        request.getSysQueryParameters().remove("ServiceParameters");
        request.putBodyParameter("ServiceParameters", service.encode());
      } else {
        request.putQueryParameter("ServiceParameters", service.encode());
      }
    }
    return request;
  }

  @Test
  void shouldRejectSdkCoreWithWrongSecret() {
    ClientException e = catchThrowableOfType(ClientException.class,
        () -> sdkCore("wrong-secret").getCommonResponse(faceRequest("")));

    assertThat(e.getErrCode()).isEqualTo("SignatureDoesNotMatch");
  }

  private static com.aliyun.teaopenapi.Client tea(String algorithm, String secret) throws Exception {
    Config config = new Config()
        .setAccessKeyId(SimulatorOptions.DEFAULT_ACCESS_KEY_ID)
        .setAccessKeySecret(secret)
        .setEndpoint("127.0.0.1:" + sim.port)
        .setProtocol("HTTP")
        .setReadTimeout(10_000);
    if (algorithm.equals("v2")) {
      config.setSignatureAlgorithm("v2");
    }
    return new com.aliyun.teaopenapi.Client(config);
  }

  private static Params params(Api api) {
    return new Params().setAction(api.action()).setVersion(api.version()).setProtocol("HTTP").setMethod("POST")
        .setAuthType("AK").setStyle("RPC").setPathname("/").setReqBodyType("formData").setBodyType("json");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> body(Map<String, ?> response) {
    return (Map<String, ?>) response.get("body");
  }

  private static DefaultAcsClient sdkCore(String secret) {
    return new DefaultAcsClient(DefaultProfile.getProfile("ap-southeast-1", SimulatorOptions.DEFAULT_ACCESS_KEY_ID, secret));
  }

  private static CommonRequest faceRequest(String marker) {
    CommonRequest request = new CommonRequest();
    request.setSysMethod(MethodType.POST);
    request.setSysDomain("127.0.0.1:" + sim.port);
    request.setSysProtocol(ProtocolType.HTTP);
    request.setSysVersion(Api.FACE_VERIFY.version());
    request.setSysAction(Api.FACE_VERIFY.action());
    JsonObject service = new JsonObject()
        .put("refFaceContent", Base64.getEncoder().encodeToString(TestImages.jpg("")))
        .put("authFaceContent", Base64.getEncoder().encodeToString(TestImages.jpg(marker)))
        .put("resourceCode", "00840000");
    request.putQueryParameter("ServiceParameters", service.encode());
    request.putQueryParameter("Service", Api.FACE_VERIFY_SERVICE);
    return request;
  }
}
