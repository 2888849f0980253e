package dev.idvstreams.simulator;

import java.util.Arrays;

/** The simulated account's standing for one API, switchable while the simulator runs. */
public enum AccountState {
  OK("OK"),
  /** Overdue payment: VerifyMaterial answers {@code InDebt}, the others their account-denied code. */
  IN_DEBT("InDebt"),
  /** The caller lacks the permission: {@code Forbidden.RAMUserAccessDenied}, {@code NoPermission}, SAF 403. */
  ACCESS_DENIED("AccessDenied");

  private final String label;

  AccountState(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** {@code OK}, {@code InDebt} or {@code AccessDenied} (or the constant's name). */
  public static AccountState parse(String text) {
    return Arrays.stream(values())
        .filter(s -> s.label.equalsIgnoreCase(text) || s.name().equalsIgnoreCase(text))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Unknown account state '" + text
            + "': expected OK, InDebt or AccessDenied"));
  }
}
