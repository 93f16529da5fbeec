// Remix's own options, in one place. vite.config.ts passes them to Remix's Vite plugin (the
// compiler Shopify's app template uses: the classic esbuild compiler cannot parse the import
// attributes that @shopify/shopify-app-remix 6 ships).
/** @type {import('@remix-run/dev').VitePluginConfig} */
export default {
  // Tests sit beside the routes they test; they are not routes.
  ignoredRouteFiles: ["**/.*", "**/*.test.ts", "**/*.test.tsx"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
