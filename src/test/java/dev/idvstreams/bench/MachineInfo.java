package dev.idvstreams.bench;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/**
 * Where and how a run was made: the figures mean little without it (2 shared cores are not 16).
 * The date is text, yyyy-MM-dd: it names the report files, and Jackson here has no java.time module.
 */
public record MachineInfo(String date, String startedAt, int cores, long maxHeapMb, String java, String os,
    String command) {

  public static MachineInfo current(String command) {
    Runtime runtime = Runtime.getRuntime();
    return new MachineInfo(LocalDate.now().toString(), OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        runtime.availableProcessors(), runtime.maxMemory() / (1024 * 1024),
        System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        command);
  }
}
