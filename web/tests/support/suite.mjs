// What every browser test file shares: one platform and one Chromium for the file, people
// as separate browser profiles, and a check that no page threw.

import assert from "node:assert/strict";
import { after, before } from "node:test";
import { launchBrowser, newPerson } from "./browser.mjs";
import { startPlatform } from "./platform.mjs";

/** `name` names the platform's log file. */
export function browserSuite(name) {
  const suite = {
    platform: null,
    browser: null,
    people: [],
    /** A new person: their own browser profile, with one page open. */
    async open(options) {
      const person = await newPerson(suite.browser, suite.platform.base, options);
      suite.people.push(person);
      return person;
    },
  };
  before(async () => {
    suite.platform = await startPlatform(name);
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.platform?.stop();
    const errors = suite.people.flatMap((p) => p.errors.map(String));
    assert.deepEqual(errors, [], "no uncaught errors in the pages");
  });
  return suite;
}

const run = Date.now().toString(36);

/** Sign-up details unique to this run. */
export function person(name) {
  return { name, email: `${name.toLowerCase()}-${run}@example.com`, password: `${name}-password-1` };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
