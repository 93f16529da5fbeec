// Per channel kind, the content rules its marketplace's module holds (app/channels/<kind>/content-rules.ts).
import type { ChannelKind } from "@prisma/client";
import { contentRulesOf } from "~/channels/registry";
import type { ChannelContentRules } from "~/lib/content-rules";

export type { BulletRule, ChannelContentRules, DescriptionRule, ImageRule, TextRule } from "~/lib/content-rules";

const KINDS: ChannelKind[] = ["AMAZON", "EBAY", "WALMART", "TIKTOK", "SHOPIFY"];
export const CHANNEL_CONTENT_RULES = Object.fromEntries(KINDS.map((kind) => [kind, contentRulesOf(kind)])) as Record<ChannelKind, ChannelContentRules>;
