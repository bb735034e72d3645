// Smaller checks of the front end against a real platform in headless Chromium: the API's
// validation messages on the sell form, money per currency, cancelling and signing out,
// a rejected bid explained in words, the live indicator and resume across a platform
// restart, and buy-now.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { apiClient } from "./support/api.mjs";
import { screenshot } from "./support/browser.mjs";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./support/platform.mjs";
import { browserSuite, person } from "./support/suite.mjs";
import { fillListing, placeBid, signInWithKeyboard, signUp, submitListing, text, timeUntil } from "./support/ui.mjs";

const suite = browserSuite("checks");
const open = (options) => suite.open(options);

describe("selling", () => {
  it("shows the API's message for a listing it refuses, and formats money per currency", async () => {
    const seller = await open();
    await signUp(seller.page, person("Sally"));

    await fillListing(seller.page, {
      title: "Reserve below the start",
      description: "The API refuses a reserve under the starting price.",
      category: "books",
      startingPrice: "50000",
      reservePrice: "40000",
    });
    const refused = seller.page.waitForResponse((r) => r.url().endsWith("/api/auctions") && r.request().method() === "POST");
    await seller.page.getByRole("button", { name: "List item" }).click();
    const response = await refused;
    assert.equal(response.status(), 400);
    const { error } = await response.json();
    const shown = await seller.page.locator("#sell-reservePrice-error").innerText();
    assert.equal(shown.replace(/\.$/, ""), error.message.replace(/\.$/, ""), "the API's own message is shown at the field");
    assert.equal(await seller.page.getByLabel("Reserve (optional)").getAttribute("aria-invalid"), "true");

    await seller.page.getByLabel("Reserve (optional)").fill("");
    await seller.page.getByLabel("Starting price").fill("1234567");
    await submitListing(seller.page);
    assert.equal(await text(seller.page, "current-price"), "₩1,234,567", "KRW has no decimals");

    await fillListing(seller.page, {
      title: "Paperback in dollars",
      description: "Priced in USD.",
      category: "books",
      currency: "USD",
      startingPrice: "12.5",
    });
    const dollarId = await submitListing(seller.page);
    assert.equal(await text(seller.page, "current-price"), "$12.50", "USD keeps its cents");

    // The admin cancels it from the admin page; the seller's page follows without a reload.
    const admin = await open();
    await signInWithKeyboard(admin.page, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, name: "Administrator" });
    await admin.page.getByRole("link", { name: "Admin" }).click();
    const row = admin.page.locator(`li.admin-row[data-auction-id="${dollarId}"]`);
    await row.getByRole("button", { name: "Cancel listing" }).click();
    await row.waitFor({ state: "detached" });
    await seller.page.locator(".auction-heading .badge-cancelled").waitFor();

    await seller.page.getByRole("button", { name: "Sign out" }).click();
    await seller.page.getByRole("link", { name: "Sign in", exact: true }).waitFor();
    assert.equal(await seller.page.getByTestId("user-name").count(), 0);
  });
});

describe("live updates", () => {
  it("show reconnecting while the platform restarts, then resume without a reload; buy-now closes the auction", async () => {
    const api = apiClient(suite.platform.base);
    const seller = person("Rita");
    const bidder = person("Ben");
    const rival = person("Bora");
    const sellerToken = (await api.signUp(seller.email, seller.password, seller.name)).accessToken;
    const bidderToken = (await api.signUp(bidder.email, bidder.password, bidder.name)).accessToken;
    const rivalToken = (await api.signUp(rival.email, rival.password, rival.name)).accessToken;
    const adminToken = (await api.login(ADMIN_EMAIL, ADMIN_PASSWORD)).accessToken;
    const auction = await api.list(sellerToken, {
      title: "Hanji paper lamp",
      description: "Handmade in Jeonju.",
      category: "home",
      startingPrice: 30000,
      buyNowPrice: 90000,
    });
    const now = Date.now();
    await api.schedule(adminToken, auction.id, new Date(now + 1000), new Date(now + 120_000));

    const watcher = await open();
    await signUp(watcher.page, person("Wendy"));
    await watcher.page.goto(`/auctions/${auction.id}`);
    await watcher.page.locator(".auction-heading .badge-open").waitFor();
    await watcher.page.locator('[data-live="live"]').waitFor();
    await api.bid(bidderToken, auction.id, 30000);
    await timeUntil(watcher.page, () => document.querySelector("[data-testid=bid-count]")?.textContent === "1");

    // A bid under the next minimum is refused by the engine; the reason comes in words.
    await placeBid(watcher.page, "30000");
    const refused = watcher.page.locator('.toast[data-topic="bid.rejected"]');
    await refused.waitFor({ timeout: 5000 });
    assert.match(await refused.innerText(), /below the next minimum bid/);
    assert.match(await watcher.page.locator('.bid-outcome[data-bid-status="rejected"]').innerText(), /Bid rejected: the amount is below the next minimum bid/);

    await suite.platform.restart(async () => {
      await watcher.page.locator('[data-live="reconnecting"]').waitFor({ timeout: 10_000 });
      await screenshot(watcher.page, "reconnecting", { fullPage: false });
    });
    const back = Date.now();
    await api.bid(rivalToken, auction.id, 32500);
    await timeUntil(watcher.page, () => document.querySelector("[data-testid=bid-count]")?.textContent === "2", undefined, 20_000);
    console.log(`after the restart the page showed the next bid ${Date.now() - back} ms after the platform was ready`);
    assert.equal(await text(watcher.page, "current-price"), "₩32,500");
    assert.equal(await watcher.page.locator("[data-live]").getAttribute("data-live"), "live");
    assert.equal(await watcher.page.locator(".bid-history li").count(), 2, "no bid lost or repeated across the restart");

    // Buy-now asks for a confirmation, then closes the auction for the buyer.
    await watcher.page.getByRole("button", { name: "Buy now for ₩90,000" }).click();
    await watcher.page.getByRole("button", { name: "Confirm: buy for ₩90,000" }).click();
    await watcher.page.locator(".auction-heading .badge-closed").waitFor();
    assert.match(await text(watcher.page, "result-banner"), /You won this auction!\s*Final price ₩90,000/);
  });
});
