// Direct API calls for setting the scene where the UI is not what a test is about.

import assert from "node:assert/strict";

export function apiClient(base) {
  async function call(method, path, { body, token } = {}) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  async function ok(method, path, options, expected) {
    const res = await call(method, path, options);
    assert.equal(res.status, expected, `${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
  return {
    signUp: (email, password, displayName) => ok("POST", "/api/auth/signup", { body: { email, password, displayName } }, 201),
    login: (email, password) => ok("POST", "/api/auth/login", { body: { email, password } }, 200),
    list: (token, listing) => ok("POST", "/api/auctions", { token, body: listing }, 201),
    schedule: (token, id, startsAt, endsAt) =>
      ok("POST", `/api/admin/auctions/${id}/schedule`, { token, body: { startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() } }, 200),
    bid: (token, id, amount) => ok("POST", `/api/auctions/${id}/bids`, { token, body: { amount } }, 202),
    auction: (id) => ok("GET", `/api/auctions/${id}`, {}, 200),
  };
}
