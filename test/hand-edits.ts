import type { LinkedVariant, Marketplace, MarketplaceRig } from "./marketplaces";

/**
 * The seller types a quantity on the marketplace itself, outside Anchorline: each simulator's
 * seller control (eBay's through its simulator's HTTP control).
 */
export async function editByHand(rig: MarketplaceRig, marketplace: Marketplace, v: LinkedVariant, quantity: number): Promise<void> {
  switch (marketplace) {
    case "amazon":
      return rig.amazon.state.editListingByHand(v.channelSku.amazon, { quantity });
    case "ebay": {
      const answer = await fetch(`${rig.ebay.url}/_simulator/listings/${rig.accounts.ebay}/${encodeURIComponent(v.channelSku.ebay)}/edit`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ quantity }),
      });
      if (answer.status !== 204) throw new Error(`eBay simulator's hand edit answered ${answer.status}`);
      return;
    }
    case "walmart":
      return rig.walmart.editListingByHand(rig.accounts.walmart, v.channelSku.walmart, { quantity });
    case "tiktok":
      return rig.tiktok.editListingByHand(rig.accounts.tiktok, v.channelSku.tiktok, { quantity });
  }
}
