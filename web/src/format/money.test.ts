import { describe, expect, it } from "vitest";
import { currencySymbol, formatMoney, fractionDigits, parseMoney, toInputValue } from "./money";

describe("money in minor units", () => {
  it("knows how many minor units make one unit", () => {
    expect(fractionDigits("KRW")).toBe(0);
    expect(fractionDigits("JPY")).toBe(0);
    expect(fractionDigits("USD")).toBe(2);
    expect(fractionDigits("EUR")).toBe(2);
  });

  it("formats won without decimals and dollars with cents", () => {
    expect(formatMoney(1_250_000, "KRW")).toBe("₩1,250,000");
    expect(formatMoney(1250, "USD")).toBe("$12.50");
    expect(formatMoney(0, "USD")).toBe("$0.00");
  });

  it("shows a dash for no amount", () => {
    expect(formatMoney(null, "KRW")).toBe("—");
    expect(formatMoney(undefined, "KRW")).toBe("—");
    expect(formatMoney(Number.NaN, "KRW")).toBe("—");
  });

  it("shows a currency without a symbol by its code", () => {
    expect(formatMoney(100, "ZZZ")).toMatch(/^ZZZ\s1\.00$/);
  });

  it("parses what a person types into minor units", () => {
    expect(parseMoney("150000", "KRW")).toBe(150_000);
    expect(parseMoney("150,000", "KRW")).toBe(150_000);
    expect(parseMoney(" 1 500 ", "KRW")).toBe(1500);
    expect(parseMoney("12.5", "USD")).toBe(1250);
    expect(parseMoney("12.50", "USD")).toBe(1250);
    expect(parseMoney("12.", "USD")).toBe(1200);
    expect(parseMoney("12.00", "KRW")).toBe(12);
  });

  it("refuses what is not an amount of the currency", () => {
    expect(parseMoney("", "KRW")).toBeNull();
    expect(parseMoney("abc", "KRW")).toBeNull();
    expect(parseMoney("-5", "KRW")).toBeNull();
    expect(parseMoney("12.5", "KRW")).toBeNull();
    expect(parseMoney("1.234", "USD")).toBeNull();
    expect(parseMoney("99999999999999999999", "KRW")).toBeNull();
  });

  it("puts minor units back into a form field", () => {
    expect(toInputValue(150_000, "KRW")).toBe("150000");
    expect(toInputValue(1250, "USD")).toBe("12.50");
    expect(parseMoney(toInputValue(98_765, "USD"), "USD")).toBe(98_765);
  });

  it("shows the currency's symbol beside inputs", () => {
    expect(currencySymbol("KRW")).toBe("₩");
    expect(currencySymbol("USD")).toBe("$");
  });
});
