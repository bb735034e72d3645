// The front end against a real platform in headless Chromium: a seller lists through the
// UI, the admin schedules it, two bidders in separate browser profiles bid and see each
// other's bids live, soft close moves the end, the auction closes by itself and the
// winner sees the result and its chart. Screenshots go to target/web-screenshots/.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { screenshot } from "./support/browser.mjs";
import { ADMIN_EMAIL, ADMIN_PASSWORD, SOFT_CLOSE } from "./support/platform.mjs";
import { browserSuite, person, sleep } from "./support/suite.mjs";
import { fillListing, placeBid, schedule, signInWithKeyboard, signUp, submitListing, text, timeUntil, watchPage } from "./support/ui.mjs";

const suite = browserSuite("journey");
const open = (options) => suite.open(options);

/** The page showed a bid from its stream: no reload, no new GET of the auction. */
function assertFromStream({ requests, reloaded }, id, who) {
  assert.equal(reloaded, false, `${who}'s page was loaded again`);
  const refetches = requests.filter((r) => r === `GET /api/auctions/${id}`);
  assert.deepEqual(refetches, [], `${who}'s page asked for the auction again (it made ${requests.join(", ")})`);
}

describe("a live auction", () => {
  it("runs from listing to result in two bidders' browsers", async () => {
    const seller = await open();
    await signUp(seller.page, person("Seller"));
    await fillListing(seller.page, {
      title: "Leica M6 film camera, 1986",
      description: "Classic rangefinder in working order.\nShutter serviced last year; light meter accurate.",
      category: "electronics",
      startingPrice: "150000",
      reservePrice: "150000",
      buyNowPrice: "900000",
    });
    await screenshot(seller.page, "sell");
    const id = await submitListing(seller.page);
    await seller.page.locator(".badge-pending").waitFor();

    const admin = await open();
    await signInWithKeyboard(admin.page, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, name: "Administrator" });

    const alice = await open();
    const bob = await open();
    await signUp(alice.page, person("Alice"));
    await signUp(bob.page, person("Bob"));
    for (const b of [alice, bob]) await b.page.goto(`/auctions/${id}`);

    const scheduling = await schedule(admin.page, id, 2000, 22_000);
    await screenshot(admin.page, "admin");
    const scheduled = await scheduling.submit();
    assert.equal(scheduled.status, "scheduled");

    // Both pages open the auction by themselves when it starts: no reload.
    for (const b of [alice, bob]) {
      await b.page.locator(".auction-heading .badge-open").waitFor({ timeout: 15_000 });
      assert.equal(await b.page.locator("[data-live]").getAttribute("data-live"), "live");
    }
    assert.equal(await text(bob.page, "minimum-bid"), "₩150,000", "the first bid may be the starting price");

    // Alice bids; Bob sees it from the live stream: his page neither reloads nor asks
    // for the auction again (how fast is for the benchmarks; the time is logged).
    const bobWatch = await watchPage(bob.page);
    const first = await placeBid(alice.page);
    await timeUntil(bob.page, () => document.querySelector("[data-testid=bid-count]")?.textContent === "1" && !!document.querySelector(".bid-history li"));
    console.log(`Alice's bid appeared in Bob's browser ${Date.now() - first.acceptedAt} ms after its 202`);
    assertFromStream(await bobWatch.stop(), id, "Bob");
    assert.equal(await text(bob.page, "current-price"), "₩150,000");
    assert.equal(await text(bob.page, "minimum-bid"), "₩152,500", "next minimum: the price plus the increment");

    // Bob outbids her; Alice sees it the same way and gets a toast.
    const aliceWatch = await watchPage(alice.page);
    const second = await placeBid(bob.page);
    await timeUntil(alice.page, () => document.querySelector("[data-testid=bid-count]")?.textContent === "2");
    console.log(`Bob's bid appeared in Alice's browser ${Date.now() - second.acceptedAt} ms after its 202`);
    assertFromStream(await aliceWatch.stop(), id, "Alice");
    assert.equal(await text(alice.page, "current-price"), "₩152,500");
    await alice.page.locator('.toast[data-topic="outbid"]').waitFor({ timeout: 5000 });
    await bob.page.locator('.bid-outcome[data-bid-status="accepted"]').waitFor({ timeout: 5000 });
    assert.equal(await text(alice.page, "reserve"), "Met");
    await bob.page.getByRole("button", { name: "Watch", exact: true }).click();
    await bob.page.locator('.price-panel .watch-button[aria-pressed="true"]').waitFor();
    await screenshot(bob.page, "auction-live");

    // A visitor finds it on the home page; a phone shows the auction page without overflow.
    const visitor = await open();
    await visitor.page.goto("/?status=open");
    await visitor.page.locator(`.auction-card[data-auction-id="${id}"]`).waitFor({ timeout: 10_000 });
    await screenshot(visitor.page, "home");
    const phone = await open({ phone: true });
    await phone.page.goto(`/auctions/${id}`);
    await phone.page.locator(".auction-heading .badge-open").waitFor();
    await phone.page.getByTestId("current-price").filter({ hasText: "₩152,500" }).waitFor();
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the phone page is ${overflow} px wider than the screen`);
    assert.ok(await phone.page.getByRole("link", { name: "Sign in to bid" }).isVisible());
    await screenshot(phone.page, "phone-auction");

    // Inside the soft-close window, Alice's bid moves the end for everyone.
    const endsBefore = await alice.page.locator(".countdown-long").getAttribute("data-ends-at");
    const windowOpens = Date.parse(endsBefore) - SOFT_CLOSE.windowSecs * 1000;
    await sleep(Math.max(0, windowOpens + 1500 - Date.now()));
    const countdownBefore = await alice.page.locator(".countdown-long .countdown-value").innerText();
    const late = await placeBid(alice.page);
    for (const b of [alice, bob]) {
      await timeUntil(b.page, (before) => Date.parse(document.querySelector(".countdown-long")?.dataset.endsAt ?? "") > Date.parse(before), endsBefore);
    }
    const endsAfter = await bob.page.locator(".countdown-long").getAttribute("data-ends-at");
    console.log(`soft close: a bid ${Date.parse(endsBefore) - late.acceptedAt} ms before the end moved it from ${endsBefore} to ${endsAfter}`);
    assert.ok(Date.parse(endsAfter) > Date.parse(endsBefore));
    await bob.page.locator(".extended-note").waitFor();
    await bob.page.locator('.toast[data-topic="outbid"]').waitFor({ timeout: 5000 });
    const countdownAfter = await alice.page.locator(".countdown-long .countdown-value").innerText();
    console.log(`countdown went from ${countdownBefore} to ${countdownAfter}`);

    // The auction closes by itself; the winner is told and sees the result with its chart.
    const closeBy = Date.parse(endsAfter) - Date.now() + 15_000;
    await alice.page.locator(".auction-heading .badge-closed").waitFor({ timeout: closeBy });
    await bob.page.locator(".auction-heading .badge-closed").waitFor({ timeout: 5000 });
    await alice.page.locator('.toast[data-topic="won"]').waitFor({ timeout: 5000 });
    assert.match(await text(alice.page, "result-banner"), /You won this auction!/);
    assert.match(await text(alice.page, "result-banner"), /₩155,000/);
    assert.match(await text(bob.page, "result-banner"), /Sold\s+to Bidder [0-9a-f]{4} for ₩155,000/);
    await alice.page.locator("svg.price-chart").waitFor({ timeout: 15_000 });
    const points = await alice.page.locator("svg.price-chart circle.point").count();
    assert.ok(points >= 3, `the price chart shows ${points} points for 3 bids`);
    assert.ok((await alice.page.locator("svg.bars-chart rect.bar").count()) >= 1, "bids per minute has bars");
    await screenshot(alice.page, "results");

    await alice.page.getByRole("link", { name: "My bids" }).click();
    await alice.page.getByTestId("standing").filter({ hasText: "Won" }).waitFor();
    assert.equal(await alice.page.locator('tr[data-bid-status="accepted"]').count(), 2);
    await screenshot(alice.page, "my-bids");

    await bob.page.getByRole("link", { name: "Watchlist" }).click();
    await bob.page.locator(`.auction-card[data-auction-id="${id}"] .badge-closed`).waitFor();
  });
});
