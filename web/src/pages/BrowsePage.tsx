// Browse and search: the query lives in the URL (?q=&category=&status=&sort=&page=), so
// results can be linked and the back button works. Prices and ends are refreshed every few
// seconds; the time left ticks locally.

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { describeError } from "../api/client";
import { searchQuery } from "../api/queries";
import { AUCTION_STATUSES, CATEGORIES, type SearchSort } from "../api/types";
import { AuctionCard } from "../components/AuctionCard";
import { categoryName } from "../components/Badges";
import { navigate, useLocation } from "../router";

const PAGE_SIZE = 12;
const REFRESH_MS = 4000;
const STATUSES = [
  ["", "Any status"],
  ["open", "Open now"],
  ["scheduled", "Coming soon"],
  ["closed", "Ended"],
] as const;
const SORTS: [SearchSort | "", string][] = [
  ["", "Best match"],
  ["ending_soon", "Ending soonest"],
  ["newest", "Newly listed"],
  ["price_asc", "Price: low to high"],
  ["price_desc", "Price: high to low"],
];

/** `value` when it is one of `choices`, else "" (a URL may hold anything). */
function known<T extends string>(value: string | null, choices: readonly (T | "")[]): T | "" {
  return choices.find((c) => c === value) ?? "";
}

/** A labelled drop-down of `[value, label]` choices. */
function Choice(props: {
  id: string;
  label: string;
  value: string;
  choices: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
}) {
  return (
    <div className="field inline">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.choices.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function BrowsePage() {
  const { search: params } = useLocation();
  const q = params.get("q") ?? "";
  const category = params.get("category") ?? "";
  const status = known(params.get("status"), AUCTION_STATUSES);
  const sort = known(
    params.get("sort"),
    SORTS.map(([value]) => value),
  );
  const page = Math.max(1, Number(params.get("page")) || 1);

  // The box holds what is typed; a new query from the URL (a link, back) replaces it.
  const [text, setText] = useState(q);
  const [shownQ, setShownQ] = useState(q);
  if (shownQ !== q) {
    setShownQ(q);
    setText(q);
  }

  // While a new query loads, the previous results stay on screen.
  const { data: result, error: failure, isPending } = useQuery({
    ...searchQuery({ q, category, status: status || undefined, sort: sort || undefined, page, size: PAGE_SIZE }),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
  const error = failure ? describeError(failure) : null;

  const update = (changes: Record<string, string | number>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === "" || (k === "page" && v === 1)) next.delete(k);
      else next.set(k, String(v));
    }
    if (!("page" in changes)) next.delete("page");
    const query = next.toString();
    navigate(query ? `/?${query}` : "/");
  };

  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    update({ q: text.trim() });
  };

  const total = result?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const facet = result?.facets.category ?? {};

  return (
    <div className="browse">
      <section className="hero-search">
        <h1>Find something worth bidding on</h1>
        <p className="muted">Live prices, soft-close endings, and proxy bidding that works while you are away.</p>
        <form role="search" onSubmit={onSearch} className="search-form">
          <label htmlFor="search-q" className="visually-hidden">
            Search auctions
          </label>
          <input
            id="search-q"
            type="search"
            placeholder="Search titles and descriptions, in Korean or English"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" className="button primary">
            Search
          </button>
        </form>
      </section>

      <div className="filters" role="group" aria-label="Filters">
        <div className="field inline">
          <label htmlFor="filter-category">Category</label>
          <select id="filter-category" value={category} onChange={(e) => update({ category: e.target.value })}>
            <option value="">All categories</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {categoryName(c)}
                {facet[c] !== undefined ? ` (${facet[c]})` : ""}
              </option>
            ))}
          </select>
        </div>
        <Choice
          id="filter-status"
          label="Status"
          value={status}
          choices={STATUSES}
          onChange={(value) => update({ status: value })}
        />
        <Choice id="filter-sort" label="Sort" value={sort} choices={SORTS} onChange={(value) => update({ sort: value })} />
        <p className="result-count muted" aria-live="polite">
          {isPending ? "Searching…" : `${total} ${total === 1 ? "auction" : "auctions"}`}
        </p>
      </div>

      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {result && result.hits.length === 0 && (
        <div className="card empty-state">
          <h2>No auctions found</h2>
          <p className="muted">Try other words, or clear the filters.</p>
        </div>
      )}
      <div className="grid">
        {result?.hits.map((a) => (
          <AuctionCard key={a.id} auction={a} />
        ))}
      </div>
      {pages > 1 && (
        <nav className="pager" aria-label="Pages">
          <button className="button" disabled={page <= 1} onClick={() => update({ page: page - 1 })}>
            Previous
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button className="button" disabled={page >= pages} onClick={() => update({ page: page + 1 })}>
            Next
          </button>
        </nav>
      )}
    </div>
  );
}
