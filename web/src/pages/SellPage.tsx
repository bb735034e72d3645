// Listing an item. Amounts are typed in the currency's units and sent in minor units;
// the API's rules (title length, category, reserve ≥ starting, buy-now > starting …)
// are checked there, and its messages are shown next to the field they are about.

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { ApiError, describeError } from "../api/client";
import { auctions } from "../api/endpoints";
import { queryKeys } from "../api/queryKeys";
import { CATEGORIES, type Category, type NewListing } from "../api/types";
import { categoryName } from "../components/Badges";
import { Field, MoneyInput } from "../components/Field";
import { useToasts } from "../components/Toasts";
import { currencySymbol, parseMoney } from "../format/money";
import { navigate } from "../router";

const CURRENCIES = ["KRW", "USD", "EUR", "JPY", "GBP"];

type FieldName = "title" | "description" | "category" | "currency" | "startingPrice" | "reservePrice" | "buyNowPrice";

/** The field an API error code (and message) is about. */
function fieldOf(error: ApiError): FieldName | null {
  switch (error.code) {
    case "invalid_title":
      return "title";
    case "invalid_description":
      return "description";
    case "invalid_category":
      return "category";
    case "invalid_currency":
      return "currency";
    case "invalid_reserve_price":
      return "reservePrice";
    case "invalid_buy_now_price":
      return "buyNowPrice";
    case "invalid_amount":
      return (["startingPrice", "reservePrice", "buyNowPrice"] as const).find((f) => error.message.startsWith(f)) ?? null;
    default:
      return null;
  }
}

export function SellPage() {
  const toasts = useToasts();
  const client = useQueryClient();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [category, setCategory] = useState<Category | "">("");
  const [currency, setCurrency] = useState("KRW");
  const [starting, setStarting] = useState("");
  const [reserve, setReserve] = useState("");
  const [buyNow, setBuyNow] = useState("");
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = "Sell an item — Gavel";
  }, []);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const found: Partial<Record<FieldName, string>> = {};
    const money = (name: FieldName, text: string, required: boolean): number | undefined => {
      if (!text.trim()) {
        if (required) found[name] = "Enter an amount.";
        return undefined;
      }
      const value = parseMoney(text, currency);
      if (value === null) found[name] = `Enter an amount in ${currency}, like ${currency === "KRW" || currency === "JPY" ? "15000" : "150.00"}.`;
      return value ?? undefined;
    };
    const startingPrice = money("startingPrice", starting, true);
    const reservePrice = money("reservePrice", reserve, false);
    const buyNowPrice = money("buyNowPrice", buyNow, false);
    if (!category) found.category = "Choose a category.";
    setErrors(found);
    if (Object.keys(found).length > 0 || !category || startingPrice === undefined) {
      document.getElementById(`sell-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    const listing: NewListing = { title, description, category, currency, startingPrice, reservePrice, buyNowPrice };
    setBusy(true);
    try {
      const created = await auctions.create(listing);
      // The new auction's page shows at once, from the answer.
      client.setQueryData(queryKeys.auction(created.id), created);
      toasts.show({ kind: "success", title: "Listed!", body: "An admin will schedule your auction shortly." });
      navigate(`/auctions/${created.id}`);
    } catch (err) {
      const field = err instanceof ApiError ? fieldOf(err) : null;
      if (field) {
        setErrors({ [field]: describeError(err) });
        document.getElementById(`sell-${field}`)?.focus();
      } else {
        setFormError(describeError(err));
      }
    } finally {
      setBusy(false);
    }
  };

  const symbol = currencySymbol(currency);
  return (
    <div className="sell-page">
      <form className="card form" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="sell-title-heading">
        <h1 id="sell-title-heading">Sell an item</h1>
        <p className="muted">Describe it well: the listing is reviewed and scheduled by an admin.</p>
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        <Field id="sell-title" label="Title" error={errors.title} hint="Up to 200 characters.">
          <input name="title" value={title} maxLength={400} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field id="sell-description" label="Description" error={errors.description}>
          <textarea name="description" rows={5} value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <div className="row">
          <Field id="sell-category" label="Category" error={errors.category}>
            <select name="category" value={category} onChange={(e) => setCategory(e.target.value as Category | "")}>
              <option value="">Choose…</option>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {categoryName(c)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="sell-currency" label="Currency" error={errors.currency}>
            <select name="currency" value={currency} onChange={(e) => setCurrency(e.target.value)}>
              {CURRENCIES.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div className="row three">
          <Field id="sell-startingPrice" label="Starting price" error={errors.startingPrice}>
            <MoneyInput symbol={symbol} name="startingPrice" value={starting} onChange={(e) => setStarting(e.target.value)} />
          </Field>
          <Field id="sell-reservePrice" label="Reserve (optional)" error={errors.reservePrice} hint="Hidden from bidders.">
            <MoneyInput symbol={symbol} name="reservePrice" value={reserve} onChange={(e) => setReserve(e.target.value)} />
          </Field>
          <Field id="sell-buyNowPrice" label="Buy-now price (optional)" error={errors.buyNowPrice}>
            <MoneyInput symbol={symbol} name="buyNowPrice" value={buyNow} onChange={(e) => setBuyNow(e.target.value)} />
          </Field>
        </div>
        <button type="submit" className="button primary large" disabled={busy}>
          {busy ? "Listing…" : "List item"}
        </button>
      </form>
    </div>
  );
}
