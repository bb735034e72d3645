// Starts the `platform` binary (every role in one process, in-memory bus and search) on a
// free port with a fresh database, serving the built front end, and stops it afterwards.

import { spawn, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const REPO_ROOT = resolve(WEB_ROOT, "..");
export const ARTIFACTS = join(REPO_ROOT, "target");

export const ADMIN_EMAIL = "admin@example.com";
export const ADMIN_PASSWORD = "admin-password-1";

/** Soft close as the browser tests run it: short enough to hit in a 20-second auction. */
export const SOFT_CLOSE = { windowSecs: 8, extensionSecs: 10, maxExtensionSecs: 30 };

function platformBinary() {
  if (process.env.PLATFORM_BIN) return process.env.PLATFORM_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? join(homedir(), ".cache/auction-platform/target");
  return join(target, "debug/platform");
}

function psqlBinary() {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, "psql"))) return join(dir, "psql");
  }
  const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql").sort((a, b) => Number(a) - Number(b)) : [];
  const newest = versions.at(-1);
  if (newest) return `/usr/lib/postgresql/${newest}/bin/psql`;
  throw new Error("psql not found: install PostgreSQL's client");
}

/** A new empty database on TEST_DATABASE_URL's server; its URL. */
function createDatabase() {
  const base = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `web_test_${randomBytes(16).toString("hex")}`;
  execFileSync(psqlBinary(), [base, "-qAtc", `CREATE DATABASE ${name}`], { stdio: ["ignore", "ignore", "pipe"] });
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Spawns the platform with `env`; resolves once /readyz answers 200. */
async function launch(binary, env, base, log) {
  const child = spawn(binary, [], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  let exited = null;
  const exit = new Promise((r) => child.on("exit", (code, signal) => r((exited = { code, signal }))));
  const running = {
    async stop() {
      process.off("exit", killOnExit);
      if (exited) return;
      child.kill("SIGTERM");
      const ended = await Promise.race([exit, sleep(10_000).then(() => null)]);
      if (!ended) {
        child.kill("SIGKILL");
        await exit;
      }
    },
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`the platform exited during start-up (${JSON.stringify(exited)}); see ${log.path}`);
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok) return running;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await running.stop();
      throw new Error(`the platform did not become ready within 90 s; see ${log.path}`);
    }
    await sleep(200);
  }
}

/**
 * Starts a platform on a fresh database, logging to target/web-tests/<name>.log.
 * `stop()` ends it (SIGTERM, then SIGKILL after 10 s; it is also killed if the test
 * process exits first); `restart()` stops it and starts it again on the same database
 * and port.
 */
export async function startPlatform(name = "platform") {
  const binary = platformBinary();
  if (!existsSync(binary)) {
    throw new Error(`no platform binary at ${binary}: build it (cargo build --bin platform) or set PLATFORM_BIN`);
  }
  const dist = join(WEB_ROOT, "dist");
  if (!existsSync(join(dist, "index.html"))) throw new Error("web/dist is missing: run `npm run build` first");

  const databaseUrl = createDatabase();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const logDir = join(ARTIFACTS, "web-tests");
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, `${name}.log`));
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    RUST_LOG: process.env.RUST_LOG ?? "info",
    DATABASE_URL: databaseUrl,
    DATABASE_MAX_CONNECTIONS: "10",
    BUS_URL: "memory://",
    SEARCH_URL: "memory://",
    GATEWAY_HOST: "127.0.0.1",
    GATEWAY_PORT: String(port),
    WEB_DIR: dist,
    JWT_SECRET: "browser-test-secret-of-at-least-thirty-two-bytes",
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    AUCTION_SCHEDULER_TICK_MS: "100",
    SOFT_CLOSE_WINDOW_SECS: String(SOFT_CLOSE.windowSecs),
    SOFT_CLOSE_EXTENSION_SECS: String(SOFT_CLOSE.extensionSecs),
    SOFT_CLOSE_MAX_EXTENSION_SECS: String(SOFT_CLOSE.maxExtensionSecs),
    BID_RATE_PER_SECOND: "1000",
    BID_RATE_BURST: "1000",
    AUTH_RATE_PER_MINUTE: "10000",
    AUTH_RATE_BURST: "1000",
  };
  let running = await launch(binary, env, base, log);
  return {
    base,
    databaseUrl,
    logPath: log.path,
    async stop() {
      await running?.stop();
      running = null;
      log.end();
    },
    /** Stops the platform, runs `whileDown`, and starts it again on the same port. */
    async restart(whileDown = async () => {}) {
      await running?.stop();
      running = null;
      await whileDown();
      running = await launch(binary, env, base, log);
    },
  };
}
