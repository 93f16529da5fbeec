import { ChannelKind as StoredChannelKind } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { RISK_MULTIPLIERS } from "~/engine/test-fixtures";
import { CHANNEL_KINDS } from "~/engine/types";
import {
  CHANNEL_MODULES,
  contentRulesOf,
  defaultRiskMultiplierOf,
  engineKindOf,
  marketplaceKindOf,
  moduleOfKind,
  STORED_MARKETPLACE_KINDS,
  storedKindOf,
  watchesOtherPricesOf,
} from "./registry";

describe("the registry of marketplaces", () => {
  it("given every marketplace the engine knows, then one module serves it under the same name, stored in capitals", () => {
    expect(CHANNEL_MODULES.map((m) => m.kind).sort()).toEqual(CHANNEL_KINDS.filter((k) => k !== "shopify").sort());
    for (const m of CHANNEL_MODULES) {
      expect(moduleOfKind(storedKindOf(m.kind))).toBe(m);
      expect(engineKindOf(storedKindOf(m.kind))).toBe(m.kind);
    }
    expect(STORED_MARKETPLACE_KINDS).toEqual(["AMAZON", "EBAY", "WALMART", "TIKTOK"]);
    // Every kind Prisma can store has its engine name.
    for (const stored of Object.values(StoredChannelKind)) expect(CHANNEL_KINDS).toContain(engineKindOf(stored));
  });

  it("given the Shopify anchor, then it is no marketplace and carries no content", () => {
    expect(marketplaceKindOf({ kind: "SHOPIFY" })).toBeNull();
    expect(engineKindOf("SHOPIFY")).toBe("shopify");
    expect(contentRulesOf("SHOPIFY").carried).toEqual({});
    expect(engineKindOf("ETSY")).toBeNull();
  });

  it("given a marketplace's credentials with one missing, then its schema names the missing one and trims the rest", () => {
    const walmart = moduleOfKind("WALMART")!;
    const parsed = walmart.credentials.safeParse({ clientId: " wm-client ", clientSecret: " ", extra: "x" });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["clientSecret", "Client secret is required"]]);
    expect(walmart.credentials.parse({ clientId: " wm-client ", clientSecret: "s", extra: "x" })).toEqual({ clientId: "wm-client", clientSecret: "s" });
  });

  it("given every channel kind, then its default risk multiplier is the playbook's (domain.md 'Buffer'), as the engine's test fixtures assume", () => {
    expect(Object.fromEntries(CHANNEL_KINDS.map((k) => [k, defaultRiskMultiplierOf(k)]))).toEqual({
      amazon: 1.5,
      tiktok: 1.3,
      walmart: 1.3,
      shopify: 1.0,
      ebay: 1.2,
    });
    for (const kind of CHANNEL_KINDS) expect(RISK_MULTIPLIERS[kind]).toBe(defaultRiskMultiplierOf(kind));
  });

  it("given every channel kind, then only Amazon and Walmart watch other channels' prices (seed 001: 'Amazon and Walmart actively crawl')", () => {
    expect(CHANNEL_KINDS.filter(watchesOtherPricesOf).sort()).toEqual(["amazon", "walmart"]);
  });
});
