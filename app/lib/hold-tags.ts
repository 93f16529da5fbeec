// Holds a merchant already keeps in Shopify, as product tags: `anchorline:discontinued` marks every
// variant of the product discontinued, `anchorline:release:2027-01-15` holds them at 0 until that
// day (midnight UTC; the Inventory screen and the holds CSV take a time and the shop's time zone).
// The second way in beside the screen and the CSV: read where the recompute reads the variant
// (recompute/inputs.ts), so removing the tag in Shopify removes the hold. Tags are matched
// without regard to case or surrounding spaces, as Shopify's own tag search does.

const NAMESPACE = "anchorline:";
export const DISCONTINUED_TAG = `${NAMESPACE}discontinued`;
export const RELEASE_TAG_PREFIX = `${NAMESPACE}release:`;

const RELEASE_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The release day a tag names (midnight UTC), or null when it is not a release tag of a real day. */
export function releaseOfTag(tag: string): Date | null {
  const value = tag.trim().toLowerCase();
  if (!value.startsWith(RELEASE_TAG_PREFIX)) return null;
  const m = RELEASE_DATE.exec(value.slice(RELEASE_TAG_PREFIX.length));
  if (!m) return null;
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return at.toISOString().slice(0, 10) === value.slice(RELEASE_TAG_PREFIX.length) ? at : null;
}

/** The release tag of a day, as the job of that moment looks for it. */
export const releaseTagOf = (at: Date) => `${RELEASE_TAG_PREFIX}${at.toISOString().slice(0, 10)}`;

/** What a product's tags hold, as one comparable value: a change of it moves the product's listings. */
export function holdTagsKey(tags: readonly string[]): string {
  const { discontinued, releaseAt } = holdsFromTags(tags);
  return `${discontinued}|${releaseAt?.getTime() ?? ""}`;
}

/** What a product's tags hold: discontinued, and the latest release day they name. */
export function holdsFromTags(tags: readonly string[]): { discontinued: boolean; releaseAt: Date | null } {
  let discontinued = false;
  let releaseAt: Date | null = null;
  for (const tag of tags) {
    // Read on every recompute of every variant: tags that are not Anchorline's cost one comparison.
    if (tag.length < NAMESPACE.length || tag.trimStart().slice(0, NAMESPACE.length).toLowerCase() !== NAMESPACE) continue;
    if (tag.trim().toLowerCase() === DISCONTINUED_TAG) discontinued = true;
    const release = releaseOfTag(tag);
    if (release && (releaseAt === null || release > releaseAt)) releaseAt = release;
  }
  return { discontinued, releaseAt };
}
