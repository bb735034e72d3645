import { describe, expect, it } from "vitest";
import { formatClock, formatDateTime, formatDuration, formatRelative, formatShortDateTime } from "./time";

describe("durations", () => {
  it("shows the two largest units, rounding up to the second", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(1)).toBe("1s");
    expect(formatDuration(9_000)).toBe("9s");
    expect(formatDuration(65_000)).toBe("1m 05s");
    expect(formatDuration(3 * 3_600_000 + 12 * 60_000 + 30_000)).toBe("3h 12m");
    expect(formatDuration(2 * 86_400_000 + 4 * 3_600_000)).toBe("2d 4h");
  });

  it("never counts below zero", () => {
    expect(formatDuration(-5_000)).toBe("0s");
  });

  it("says whether a moment is ahead or behind", () => {
    const now = Date.parse("2026-11-21T09:00:00Z");
    expect(formatRelative("2026-11-21T09:05:00Z", now)).toBe("in 5m 00s");
    expect(formatRelative("2026-11-21T08:57:00Z", now)).toBe("3m 00s ago");
  });
});

describe("dates", () => {
  it("shows a dash for a missing or broken time", () => {
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime("not a time")).toBe("—");
    expect(formatShortDateTime(undefined)).toBe("—");
    expect(formatClock("nope")).toBe("—");
  });

  it("shows times in the local zone", () => {
    expect(formatShortDateTime("2026-11-21T09:42:00Z")).toBe("Nov 21, 6:42 PM");
    expect(formatClock("2026-11-21T09:42:07Z")).toBe("06:42:07 PM");
  });
});
