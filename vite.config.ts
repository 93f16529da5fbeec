import { fileURLToPath } from "node:url";
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import remixConfig from "./remix.config.js";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

const port = Number(process.env.PORT ?? 3000);

export default defineConfig({
  server: {
    port,
    fs: { allow: ["app", "node_modules"] },
  },
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  plugins: [remix(remixConfig)],
  // Polaris and App Bridge are large; pre-bundling them keeps the dev server's first load quick.
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
  build: { assetsInlineLimit: 0 },
});
