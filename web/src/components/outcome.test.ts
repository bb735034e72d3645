import { describe, expect, it } from "vitest";
import { outcomeText } from "./BidForm";

describe("what the bidder is told", () => {
  it("waits while the bid is pending", () => {
    expect(outcomeText({ kind: "bid", status: "pending" })).toBe("Sent: waiting for confirmation…");
  });

  it("says whether an accepted bid leads", () => {
    expect(outcomeText({ kind: "bid", status: "accepted" }, true)).toBe("Bid accepted: you are the highest bidder.");
    expect(outcomeText({ kind: "bid", status: "accepted" }, false)).toBe("Bid accepted, but another bidder's maximum is higher.");
  });

  it("explains a rejection in words", () => {
    expect(outcomeText({ kind: "bid", status: "rejected", reason: "below_minimum" })).toBe(
      "Bid rejected: the amount is below the next minimum bid.",
    );
    expect(outcomeText({ kind: "buy_now", status: "rejected", reason: "buy_now_unavailable" })).toBe(
      "Purchase rejected: buy now is no longer available.",
    );
  });

  it("confirms a purchase", () => {
    expect(outcomeText({ kind: "buy_now", status: "accepted" })).toBe("Purchase confirmed: the item is yours.");
  });
});
