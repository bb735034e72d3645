// Money is an integer count of the currency's smallest unit. How many of those make one
// unit comes from Intl (KRW and JPY have none, USD and EUR two), so KRW shows no decimals.

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string): Intl.NumberFormat {
  let f = formatters.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat(undefined, { style: "currency", currency });
    } catch {
      // An ISO code this browser does not know: still a number with the code beside it.
      f = new Intl.NumberFormat(undefined, { style: "currency", currency: "XXX" });
    }
    formatters.set(currency, f);
  }
  return f;
}

/** Digits after the decimal point in `currency` (0 for KRW, 2 for USD). */
export function fractionDigits(currency: string): number {
  return formatter(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** `amount` minor units of `currency` as a person reads it: ₩1,250,000 or $12.50. */
export function formatMoney(amount: number | null | undefined, currency: string): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return "—";
  return formatter(currency).format(amount / 10 ** fractionDigits(currency));
}

/**
 * What a person typed ("12,000", "12.5") as minor units, or null when it is not an
 * amount of this currency (not a number, negative, or more decimals than it has).
 */
export function parseMoney(text: string, currency: string): number | null {
  const cleaned = text.replace(/[\s,_]/g, "");
  if (!/^\d+(\.\d*)?$/.test(cleaned)) return null;
  const [whole, fraction = ""] = cleaned.split(".");
  const digits = fractionDigits(currency);
  if (fraction.replace(/0+$/, "").length > digits) return null;
  const minor = Number(whole) * 10 ** digits + Number((fraction + "0".repeat(digits)).slice(0, digits) || "0");
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Minor units as the plain number a form field holds ("12000", "12.50"). */
export function toInputValue(amount: number, currency: string): string {
  const digits = fractionDigits(currency);
  return digits === 0 ? String(amount) : (amount / 10 ** digits).toFixed(digits);
}

/** The symbol or code shown beside money inputs. */
export function currencySymbol(currency: string): string {
  const part = formatter(currency)
    .formatToParts(0)
    .find((p) => p.type === "currency");
  return part?.value ?? currency;
}
