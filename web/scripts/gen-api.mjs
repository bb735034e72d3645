// The API's types, generated from the platform's OpenAPI document with openapi-typescript
// into src/api/schema.d.ts (checked in; src/api/types.ts names the shapes the app uses).
//
//   OPENAPI_JSON=/path/openapi.json npm run gen:api     writes the file
//   OPENAPI_JSON=/path/openapi.json npm run check:api   fails if the file is not what
//                                                        the document gives
//
// OPENAPI_JSON is a file, or a URL such as http://127.0.0.1:8080/api/openapi.json. The
// output depends on the document alone: keys are sorted, and no time or path is written.
// Two faults of the document are worked around with a warning, so that one of them does
// not stop the rest from being generated: a `$ref` to a schema the document does not
// define is typed `unknown`, and an `operationId` shared by several operations is dropped
// from them (they stay typed under `paths`).

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TARGET = join(WEB, "src/api/schema.d.ts");
const HEADER = `// Generated from the platform's OpenAPI document (GET /api/openapi.json) by
// \`npm run gen:api\`. Do not edit: regenerate, and \`npm run check:api\` checks it.

`;

function fail(message, code = 1) {
  console.error(message);
  process.exit(code);
}

async function readDocument(source) {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source);
    if (!response.ok) fail(`${source} answered ${response.status}`, 2);
    return response.json();
  }
  try {
    return JSON.parse(readFileSync(source, "utf8"));
  } catch (e) {
    fail(`cannot read the OpenAPI document ${source}: ${e.message}`, 2);
  }
}

/** The value at JSON pointer `ref` ("#/components/schemas/Auction") in `doc`. */
function resolvePointer(doc, ref) {
  let node = doc;
  for (const raw of ref.slice(2).split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}

/** Replaces every local `$ref` that points nowhere by an unconstrained schema. */
function dropDanglingRefs(doc) {
  const missing = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== "object") return node;
    if (typeof node.$ref === "string" && node.$ref.startsWith("#/") && resolvePointer(doc, node.$ref) === undefined) {
      missing.add(node.$ref);
      const { $ref, ...rest } = node;
      return { ...rest, description: rest.description ?? `${$ref} (not defined in the document)` };
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]));
  };
  const fixed = visit(doc);
  for (const ref of [...missing].sort()) console.warn(`warning: ${ref} is referenced but not defined; typed as unknown`);
  return fixed;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/**
 * Removes an `operationId` that more than one operation has: it names none of them, and
 * openapi-typescript refuses the document. Those operations stay typed under `paths`.
 */
function dropDuplicateOperationIds(doc) {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((m) => item?.[m]?.operationId).map((m) => ({ where: `${m.toUpperCase()} ${path}`, op: item[m] })),
  );
  const count = new Map();
  for (const { op } of operations) count.set(op.operationId, (count.get(op.operationId) ?? 0) + 1);
  for (const { where, op } of operations) {
    if (count.get(op.operationId) > 1) {
      console.warn(`warning: operationId "${op.operationId}" is not unique; dropped from ${where}`);
      delete op.operationId;
    }
  }
  return doc;
}

async function generate(source) {
  const doc = dropDuplicateOperationIds(dropDanglingRefs(await readDocument(source)));
  const ast = await openapiTS(doc, { alphabetize: true, silent: true });
  return HEADER + astToString(ast);
}

const source = process.env.OPENAPI_JSON;
if (!source) fail("set OPENAPI_JSON to the OpenAPI document (a file, or the platform's /api/openapi.json URL)", 2);
const checking = process.argv.includes("--check");
const generated = await generate(source);
const shown = relative(process.cwd(), TARGET) || TARGET;

if (!checking) {
  writeFileSync(TARGET, generated);
  console.log(`wrote ${shown} from ${source}`);
} else {
  const fresh = join(mkdtempSync(join(tmpdir(), "openapi-")), "schema.d.ts");
  writeFileSync(fresh, generated);
  let current = "";
  try {
    current = readFileSync(TARGET, "utf8");
  } catch {
    // missing: reported as drift below
  }
  if (current === generated) {
    console.log(`${shown} matches ${source}`);
  } else {
    let diff = "";
    try {
      execFileSync("diff", ["-u", TARGET, fresh], { encoding: "utf8" });
    } catch (e) {
      diff = typeof e.stdout === "string" ? e.stdout : "";
    }
    const lines = diff.split("\n");
    console.error(lines.slice(0, 80).join("\n") + (lines.length > 80 ? `\n… ${lines.length - 80} more lines` : ""));
    fail(
      `\n${shown} is out of date with the OpenAPI document ${source} (the fresh one is ${fresh}).\n` +
        `Regenerate it with: OPENAPI_JSON=${source} npm run gen:api, then check src/api/types.ts still compiles.`,
    );
  }
}
