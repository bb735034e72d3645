import { describe, expect, it } from "vitest";
import { reasonInWords } from "./reasons";

describe("rejection reasons in words", () => {
  it.each([
    ["auction_not_open", "the auction has not opened yet"],
    ["auction_closed", "the auction has already ended"],
    ["below_minimum", "the amount is below the next minimum bid"],
    ["seller_cannot_bid", "sellers cannot bid on their own auction"],
    ["buy_now_unavailable", "buy now is no longer available"],
  ])("explains %s", (code, words) => {
    expect(reasonInWords(code)).toBe(words);
  });

  it("spells out a code it does not know", () => {
    expect(reasonInWords("insufficient_funds")).toBe("insufficient funds");
  });

  it("says something when there is no reason", () => {
    expect(reasonInWords(undefined)).toBe("it was not accepted");
    expect(reasonInWords(null)).toBe("it was not accepted");
    expect(reasonInWords("")).toBe("it was not accepted");
  });
});
