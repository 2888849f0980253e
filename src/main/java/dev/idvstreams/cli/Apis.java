package dev.idvstreams.cli;

import dev.idvstreams.aliyun.Api;
import dev.idvstreams.avro.CheckType;
import dev.idvstreams.config.ApiName;

/**
 * The one table between the three names of an API: the event's {@link CheckType}, the client's
 * {@link Api} and the configuration's {@link ApiName}. Only the command line knows all three.
 */
final class Apis {

  private Apis() {}

  static ApiName name(CheckType type) {
    return name(api(type));
  }

  static ApiName name(Api api) {
    return switch (api) {
      case CREDENTIAL_VERIFY_INTL -> ApiName.CREDENTIAL_VERIFY_INTL;
      case VERIFY_MATERIAL -> ApiName.VERIFY_MATERIAL;
      case FACE_VERIFY -> ApiName.FACE_VERIFY;
    };
  }

  static Api api(CheckType type) {
    return switch (type) {
      case CREDENTIAL -> Api.CREDENTIAL_VERIFY_INTL;
      case MATERIAL -> Api.VERIFY_MATERIAL;
      case FACE -> Api.FACE_VERIFY;
    };
  }

  static Api api(ApiName name) {
    for (Api api : Api.values()) {
      if (name(api) == name) {
        return api;
      }
    }
    throw new IllegalArgumentException("no API for " + name);
  }

  static CheckType checkType(Api api) {
    for (CheckType type : CheckType.values()) {
      if (api(type) == api) {
        return type;
      }
    }
    throw new IllegalArgumentException("no check type for " + api);
  }
}
