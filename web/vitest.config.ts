import { defineConfig } from "vitest/config";

// Unit tests run in Node without the React plugin (nothing here renders). Money and time
// are formatted for the browser's locale: the tests pin one, inherited by the workers.
process.env.LC_ALL = "en_US.UTF-8";
process.env.TZ = "Asia/Seoul";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    pool: "forks",
  },
});
