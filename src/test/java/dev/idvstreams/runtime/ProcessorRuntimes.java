package dev.idvstreams.runtime;

import dev.idvstreams.aliyun.ImageFetchOptions;
import dev.idvstreams.aliyun.ImageFetcher;
import dev.idvstreams.config.IdvConfig;
import io.vertx.core.Vertx;
import java.util.function.BiFunction;

/** Test access to {@link ProcessorRuntime}'s package-private seam: a processor whose image fetcher the test builds. */
public final class ProcessorRuntimes {

  private ProcessorRuntimes() {}

  public static ProcessorRuntime start(IdvConfig config, BiFunction<Vertx, ImageFetchOptions, ImageFetcher> images) {
    return ProcessorRuntime.start(config, images);
  }
}
