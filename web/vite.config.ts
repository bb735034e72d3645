import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` serves the app with hot reload and sends /api to a platform running
// locally (scripts/run.sh), so the browser still sees one origin.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/api": { target: process.env.API_ORIGIN ?? "http://127.0.0.1:8080", changeOrigin: false },
    },
  },
  build: { outDir: "dist", sourcemap: true },
});
