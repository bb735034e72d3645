// The one way the app talks to the API: same origin, the session cookie, JSON in and out,
// and every non-2xx answer turned into an ApiError carrying the contract's code and message.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfter: number | null;

  constructor(status: number, code: string, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** Sent on `window` whenever the API answers 401. */
export const UNAUTHORIZED = "gavel:unauthorized";

type Query = Record<string, string | number | undefined | null>;

interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method: options.method ?? "GET",
      headers,
      body,
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, "network", "The server cannot be reached. Check your connection and try again.");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) {
    // The session cookie expired or was revoked: whoever shows the signed-in user forgets it.
    if (response.status === 401) window.dispatchEvent(new CustomEvent(UNAUTHORIZED));
    throw toApiError(response, json);
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiError(response: Response, json: unknown): ApiError {
  const retry = Number(response.headers.get("Retry-After"));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : null;
  const detail = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof detail?.code === "string" ? detail.code : `http_${response.status}`;
  const message =
    typeof detail?.message === "string" && detail.message
      ? detail.message
      : fallbackMessage(response.status, retryAfter);
  return new ApiError(response.status, code, message, retryAfter);
}

function fallbackMessage(status: number, retryAfter: number | null): string {
  switch (status) {
    case 401:
      return "Please sign in first.";
    case 403:
      return "You are not allowed to do that.";
    case 404:
      return "Not found.";
    case 413:
      return "That is too large to send.";
    case 429:
      return retryAfter ? `Too many requests: try again in ${retryAfter} s.` : "Too many requests: try again shortly.";
    default:
      return status >= 500 ? "Something went wrong on our side. Please try again." : "The request was refused.";
  }
}

/** A message fit to show a person, for anything a request may throw. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) return fallbackMessage(429, error.retryAfter);
    return sentence(error.message);
  }
  if (error instanceof Error) return sentence(error.message);
  return "Something went wrong.";
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return "Something went wrong.";
  // A message that starts with a field name ("reservePrice must …") keeps it as written.
  const firstWord = trimmed.split(/\s/, 1)[0]!;
  const capital = /[A-Z]/.test(firstWord.slice(1)) ? trimmed : trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
