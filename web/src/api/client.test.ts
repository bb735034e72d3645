import { describe, expect, it } from "vitest";
import { ApiError, describeError, withQuery } from "./client";
import { isRetryable } from "./queryClient";

describe("errors shown to a person", () => {
  it("are sentences", () => {
    expect(describeError(new ApiError(409, "conflict", "email already taken"))).toBe("Email already taken.");
    expect(describeError(new Error("Done!"))).toBe("Done!");
    expect(describeError("what")).toBe("Something went wrong.");
  });

  it("keep a field name as the API wrote it", () => {
    expect(describeError(new ApiError(400, "invalid_amount", "reservePrice must be at least startingPrice"))).toBe(
      "reservePrice must be at least startingPrice.",
    );
  });

  it("say when to try again after a rate limit", () => {
    expect(describeError(new ApiError(429, "rate_limited", "slow down", 3))).toBe("Too many requests: try again in 3 s.");
  });
});

describe("requests", () => {
  it("leave empty query parameters out", () => {
    expect(withQuery("/api/search", { q: "", page: 2, sort: undefined, status: null })).toBe("/api/search?page=2");
    expect(withQuery("/api/search", {})).toBe("/api/search");
  });

  it("are asked again only when another try may answer differently", () => {
    expect(isRetryable(new ApiError(0, "network", "offline"))).toBe(true);
    expect(isRetryable(new ApiError(503, "unavailable", "later"))).toBe(true);
    expect(isRetryable(new ApiError(429, "rate_limited", "later"))).toBe(true);
    expect(isRetryable(new ApiError(404, "not_found", "gone"))).toBe(false);
    expect(isRetryable(new ApiError(401, "unauthorized", "sign in"))).toBe(false);
  });
});
