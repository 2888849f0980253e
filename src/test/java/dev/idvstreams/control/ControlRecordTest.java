package dev.idvstreams.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ControlRecordTest {

  private static ControlRecord parse(String key, String value) {
    return ControlRecord.parse(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldReadEachSettingFromItsKeyAndJsonValue() {
    assertThat(parse("paused.verify-material", "{\"value\": true, \"by\": \"oncall\"}"))
        .isEqualTo(new ControlRecord.Set(new ControlKey(ControlKey.Setting.PAUSED, Api.VERIFY_MATERIAL), 1));
    assertThat(parse("paused.verify-material", "{\"value\": false}"))
        .isEqualTo(new ControlRecord.Set(new ControlKey(ControlKey.Setting.PAUSED, Api.VERIFY_MATERIAL), 0));
    assertThat(parse("qps.face-verify", "{\"value\": 30}"))
        .isEqualTo(new ControlRecord.Set(new ControlKey(ControlKey.Setting.QPS, Api.FACE_VERIFY), 30));
    assertThat(parse("qps.face-verify", null))
        .isEqualTo(new ControlRecord.Removed(new ControlKey(ControlKey.Setting.QPS, Api.FACE_VERIFY)));
  }

  @Test
  void shouldNameWhatIsWrongWithAMalformedRecord() {
    assertThat(reason(parse("qps.nothing", "{\"value\": 3}"))).contains("the key names no setting");
    assertThat(reason(parse(null, "{\"value\": 3}"))).contains("the key names no setting");
    assertThat(reason(parse("qps.face-verify", "30"))).contains("not a JSON object");
    assertThat(reason(parse("qps.face-verify", "{\"qps\": 30}"))).contains("no \"value\" field");
    assertThat(reason(parse("qps.face-verify", "{\"value\": \"fast\"}"))).contains("expected a whole number")
        .contains("a string");
    assertThat(reason(parse("qps.face-verify", "{\"value\": 0}"))).contains("from 1 to 100000, got integer 0");
    assertThat(reason(parse("qps.face-verify", "{\"value\": 2.5}"))).contains("expected a whole number");
    assertThat(reason(parse("qps.face-verify", "{\"value\": 100001}"))).contains("from 1 to 100000");
    assertThat(reason(parse("paused.face-verify", "{\"value\": 1}"))).contains("expected true or false");
  }

  @Test
  void shouldWriteWhatItReads() {
    ControlKey key = new ControlKey(ControlKey.Setting.PAUSED, Api.CREDENTIAL_VERIFY_INTL);
    assertThat(ControlRecord.parse(key.key(), ControlRecord.encode(1, key, "test"))).isEqualTo(new ControlRecord.Set(key, 1));
    ControlKey qps = new ControlKey(ControlKey.Setting.QPS, Api.CREDENTIAL_VERIFY_INTL);
    assertThat(ControlRecord.parse(qps.key(), ControlRecord.encode(12, qps, "test"))).isEqualTo(new ControlRecord.Set(qps, 12));
  }

  @Test
  void shouldKeepTheLatestValueOfEachKeyAndDropRemovedOnes() {
    ControlState state = ControlState.EMPTY
        .with(parse("qps.face-verify", "{\"value\": 30}"))
        .with(parse("paused.verify-material", "{\"value\": true}"))
        .with(parse("qps.face-verify", "{\"value\": 12}"))
        .with(parse("qps.face-verify", "{\"value\": \"bad\"}"));
    assertThat(state.qps(Api.FACE_VERIFY)).hasValue(12);
    assertThat(state.paused(Api.VERIFY_MATERIAL)).isTrue();
    assertThat(state.paused(Api.FACE_VERIFY)).isFalse();
    assertThat(state.qps(Api.VERIFY_MATERIAL)).isEmpty();

    ControlState cleared = state.with(parse("qps.face-verify", null)).with(parse("paused.verify-material", "{\"value\": false}"));
    assertThat(cleared.qps(Api.FACE_VERIFY)).isEmpty();
    assertThat(cleared.paused(Api.VERIFY_MATERIAL)).isFalse();
  }

  private static String reason(ControlRecord record) {
    assertThat(record).isInstanceOf(ControlRecord.Malformed.class);
    return ((ControlRecord.Malformed) record).reason();
  }
}
