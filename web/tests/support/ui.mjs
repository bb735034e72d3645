// What a person does in the app, step by step through the UI.

import assert from "node:assert/strict";

export async function signUp(page, { name, email, password }) {
  await page.goto("/signup");
  await page.getByLabel("Display name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByTestId("user-name").filter({ hasText: name }).waitFor();
}

/** Signs in with the keyboard only: Tab between fields, Enter submits. */
export async function signInWithKeyboard(page, { email, password, name }) {
  await page.goto("/login");
  await page.getByLabel("Email").focus();
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(password);
  await page.keyboard.press("Enter");
  await page.getByTestId("user-name").filter({ hasText: name }).waitFor();
}

/** Fills the sell form; amounts are typed as a person would ("150000"). */
export async function fillListing(page, listing) {
  await page.goto("/sell");
  await page.getByLabel("Title").fill(listing.title);
  await page.getByLabel("Description").fill(listing.description);
  await page.getByLabel("Category").selectOption(listing.category);
  await page.getByLabel("Currency").selectOption(listing.currency ?? "KRW");
  await page.getByLabel("Starting price").fill(listing.startingPrice);
  await page.getByLabel("Reserve (optional)").fill(listing.reservePrice ?? "");
  await page.getByLabel("Buy-now price (optional)").fill(listing.buyNowPrice ?? "");
}

/** Submits the filled sell form; resolves to the new auction's id. */
export async function submitListing(page) {
  await page.getByRole("button", { name: "List item" }).click();
  await page.waitForURL(/\/auctions\/[0-9a-f-]{36}$/);
  return page.url().split("/").pop();
}

/**
 * Schedules listing `id` on the admin page, `startsInMs` from now for `durationMs`, through
 * the start and end pickers (which hold local time).
 */
export async function schedule(adminPage, id, startsInMs, durationMs) {
  await adminPage.goto("/admin");
  const row = adminPage.locator(`li.admin-row[data-auction-id="${id}"]`);
  await row.waitFor();
  const [start, end] = await adminPage.evaluate(
    ([startsIn, duration]) => {
      const local = (ms) => {
        const d = new Date(ms);
        const p = (n) => String(n).padStart(2, "0");
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
      };
      // Whole seconds: the pickers hold seconds, so round up to keep the full duration.
      const startMs = Math.ceil((Date.now() + startsIn) / 1000) * 1000;
      return [local(startMs), local(startMs + duration)];
    },
    [startsInMs, durationMs],
  );
  await row.getByLabel("Starts").fill(start);
  await row.getByLabel("Ends").fill(end);
  return {
    row,
    async submit() {
      const response = adminPage.waitForResponse((r) => r.url().endsWith(`/api/admin/auctions/${id}/schedule`));
      await row.getByRole("button", { name: "Schedule" }).click();
      const res = await response;
      assert.equal(res.status(), 200, `scheduling answered ${res.status()}: ${await res.text()}`);
      return res.json();
    },
  };
}

/**
 * Places a bid on the open auction page: `amount` typed into the form, or the prefilled
 * next minimum when absent. Resolves with the 202 and the moment node saw it.
 */
export async function placeBid(page, amount) {
  const form = page.getByRole("form", { name: "Place a bid" });
  if (amount !== undefined) await form.getByLabel("Your bid").fill(String(amount));
  const response = page.waitForResponse((r) => /\/api\/auctions\/[^/]+\/bids$/.test(r.url()) && r.request().method() === "POST");
  await form.getByRole("button", { name: "Place bid" }).click();
  const res = await response;
  const acceptedAt = Date.now();
  assert.equal(res.status(), 202, `the bid answered ${res.status()}: ${await res.text()}`);
  return { bid: await res.json(), acceptedAt };
}

/** Milliseconds until `predicate` (run in the page, polled every 20 ms) holds. */
export async function timeUntil(page, predicate, arg, timeout = 10_000) {
  const started = Date.now();
  await page.waitForFunction(predicate, arg, { polling: 20, timeout });
  return Date.now() - started;
}

export const text = (page, testId) => page.getByTestId(testId).innerText();

/**
 * Watches `page` from now on: `stop()` tells which API requests it made (as "GET /api/…")
 * and whether its document was loaded again meanwhile.
 */
export async function watchPage(page) {
  const requests = [];
  const onRequest = (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/api/")) requests.push(`${request.method()} ${url.pathname}`);
  };
  page.on("request", onRequest);
  await page.evaluate(() => {
    window.__sameDocument = true;
  });
  return {
    async stop() {
      page.off("request", onRequest);
      const reloaded = !(await page.evaluate(() => window.__sameDocument === true));
      return { requests, reloaded };
    },
  };
}
