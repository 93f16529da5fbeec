import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { requireShop } from "~/lib/require-shop.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireShop(request);
  // The API key is public (it is in every embedded app URL); no secret reaches the browser.
  return { apiKey: process.env.SHOPIFY_API_KEY ?? "" };
};

export default function App() {
  const { apiKey } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey}>
      <NavMenu>
        <Link to="/app" rel="home">
          Overview
        </Link>
        <Link to="/app/channels">Channels</Link>
        <Link to="/app/locations">Locations</Link>
        <Link to="/app/vendors">Vendors</Link>
        <Link to="/app/inventory">Inventory</Link>
        <Link to="/app/orders">Orders</Link>
        <Link to="/app/buffers">Buffers and throttling</Link>
        <Link to="/app/artificial-counts">Artificial counts</Link>
        <Link to="/app/kits">Kits and bundles</Link>
        <Link to="/app/pricing">Pricing and parity</Link>
        <Link to="/app/margins">Margins</Link>
        <Link to="/app/content">Listing content</Link>
        <Link to="/app/promotions">Promotions</Link>
        <Link to="/app/alerts">Alerts</Link>
        <Link to="/app/activity">Activity</Link>
        <Link to="/app/health-report">Sync health report</Link>
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

// Shopify's boundary helpers keep embedded-auth redirects (which are thrown Responses) working.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
