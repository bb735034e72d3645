import { describe, expect, it } from "vitest";
import { incrementAt, minimumBid } from "./increments";

describe("the default increment ladder", () => {
  it("steps up at each band's lower edge", () => {
    expect(incrementAt(0)).toBe(5);
    expect(incrementAt(99)).toBe(5);
    expect(incrementAt(100)).toBe(25);
    expect(incrementAt(2_499)).toBe(50);
    expect(incrementAt(2_500)).toBe(100);
    expect(incrementAt(150_000)).toBe(2_500);
    expect(incrementAt(499_999)).toBe(5_000);
    expect(incrementAt(10_000_000)).toBe(10_000);
  });
});

describe("the next minimum bid", () => {
  const open = { startingPrice: 150_000, currentPrice: 150_000, leadingBidderId: null, bidCount: 0 };

  it("is the starting price before the first bid", () => {
    expect(minimumBid(open)).toBe(150_000);
  });

  it("is the price plus the increment once someone leads", () => {
    expect(minimumBid({ ...open, leadingBidderId: "alice", bidCount: 1 })).toBe(152_500);
  });

  it("is what the platform says when it says so", () => {
    expect(minimumBid({ ...open, leadingBidderId: "alice", bidCount: 1, minimumBid: 160_000 })).toBe(160_000);
    expect(minimumBid({ ...open, minimumBid: null })).toBe(150_000);
  });
});
