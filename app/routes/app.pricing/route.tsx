import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { formObject } from "~/lib/forms";
import { NotFoundForShop } from "~/lib/errors";
import {
  approveHeldPush,
  decideHeldGroup,
  deleteParityEdge,
  deletePriceRule,
  pricingPage,
  rejectHeldPush,
  ReviewRefused,
  saveParityEdge,
  savePriceGuardrail,
  savePriceRule,
  saveVisibleExtras,
  setVariantMap,
} from "./pricing.server";
import { SCOPE_REFERENCE } from "~/rules/scopes.server";
import { requireShop } from "~/lib/require-shop.server";
import { PriceGuardrail } from "./guardrail";
import { HeldPushes } from "./held-pushes";
import { MapPrices } from "./map-prices";
import { ParityMatrix, ParityViolations } from "./parity";
import { PriceRuleForm, PriceRules } from "./price-rules";
import { VisibleExtras } from "./visible-extras";
import { screenErrorBoundary, screenTitle } from "~/components/screen-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  // The labels travel as data: a .server module's values never reach the browser bundle.
  return { ...(await pricingPage(shop)), scopeReference: SCOPE_REFERENCE };
};

export type PricingActionResult = { ok: boolean; intent: string; errors: Record<string, string>; message?: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShop(request);
  const form = formObject(await request.formData());
  const intent = String(form.intent ?? "");
  const answer = (errors: Record<string, string> | null, message: string) =>
    errors ? data<PricingActionResult>({ ok: false, intent, errors }, { status: 400 }) : data<PricingActionResult>({ ok: true, intent, errors: {}, message });
  try {
    switch (intent) {
      case "saveRule":
        return answer(await savePriceRule(shop, form, actor), "Price rule saved; prices are being recomputed");
      case "deleteRule":
        await deletePriceRule(shop, String(form.ruleId ?? ""), actor);
        return answer(null, "Price rule deleted");
      case "map":
        return answer(await setVariantMap(shop, form, actor), "MAP saved");
      case "guardrail":
        return answer(await savePriceGuardrail(shop, form, actor), "Price guardrail saved; prices are being recomputed");
      case "saveEdge":
        return answer(await saveParityEdge(shop, form, actor), "Parity matrix saved");
      case "deleteEdge":
        await deleteParityEdge(shop, String(form.edgeId ?? ""), actor);
        return answer(null, "Parity edge removed");
      case "approve":
        await approveHeldPush(shop, String(form.listingId ?? ""), actor);
        return answer(null, "Approved: the price goes out with the next push");
      case "reject":
        await rejectHeldPush(shop, String(form.listingId ?? ""), actor);
        return answer(null, "Rejected: the live price stays");
      case "approveGroup":
      case "rejectGroup": {
        const decided = await decideHeldGroup(shop, form, intent === "approveGroup" ? "approve" : "reject", actor);
        return "errors" in decided ? answer(decided.errors, "") : answer(null, decided.message);
      }
      case "visibleExtras":
        return answer(await saveVisibleExtras(shop, form, actor), "Saved: parity counts it from now on");
      default:
        return data<PricingActionResult>({ ok: false, intent, errors: { form: "Unknown action" } }, { status: 400 });
    }
  } catch (error) {
    if (error instanceof NotFoundForShop) return data<PricingActionResult>({ ok: false, intent, errors: { form: error.message } }, { status: 404 });
    if (error instanceof ReviewRefused) return data<PricingActionResult>({ ok: false, intent, errors: { form: error.message } }, { status: 409 });
    throw error;
  }
};

export const meta: MetaFunction = () => screenTitle("Pricing and parity");
export const ErrorBoundary = screenErrorBoundary({ thing: "rule", back: { content: "Pricing and parity", url: "/app/pricing" } });

export default function Pricing() {
  const { guardrailPercent, channels, rules, edges, mapped, held, heldGroups, violations, scopeReference } = useLoaderData<typeof loader>();
  // The store is the anchor: its price is the Shopify price, so no price rule is set for it.
  const marketplaces = channels.filter((c) => c.kind !== "SHOPIFY");
  const result = useActionData<typeof action>();
  const errorsFor = (...intents: string[]) => (result && intents.includes(result.intent) ? result.errors : {});
  return (
    <Page title="Pricing and parity" subtitle="Channel prices from the Shopify price, MAP floors, margin floors, and who watches whose price.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.message ? <Banner tone="success">{result.message}</Banner> : null}
            {result?.errors.form ? <Banner tone="critical">{result.errors.form}</Banner> : null}
            <HeldPushes held={held} groups={heldGroups} />
            <PriceGuardrail guardrailPercent={guardrailPercent} errors={errorsFor("guardrail")} />
            <ParityViolations violations={violations} />
            <PriceRules rules={rules} />
            {marketplaces.length === 0 ? null : <PriceRuleForm channels={marketplaces} scopeReference={scopeReference} errors={errorsFor("saveRule")} />}
            <ParityMatrix edges={edges} channels={channels} errors={errorsFor("saveEdge")} />
            <VisibleExtras channels={channels} errors={errorsFor("visibleExtras")} />
            <MapPrices mapped={mapped} errors={errorsFor("map")} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
