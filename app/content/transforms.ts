// Text transforms the channel rules apply to rendered templates: cutting to a length at a word
// boundary, stripping HTML or keeping only the tags a channel allows, and deriving bullets.

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Collapses runs of spaces and tabs, and of blank lines, and trims. */
export function tidy(text: string): string {
  return text
    .replace(/[ \t\u00a0]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const BLOCK_END = /<\/(p|div|h[1-6]|li|tr|ul|ol|table|blockquote)>|<br\s*\/?>/gi;

/** Plain text from HTML: block ends become line breaks, scripts and styles vanish with their text. */
export function stripHtml(html: string): string {
  const text = html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, "")
    .replace(BLOCK_END, "\n")
    .replace(/<[^>]*>/g, "");
  return tidy(decodeEntities(text));
}

/**
 * HTML reduced to the tags in `allowed`, without attributes (no inline scripts, styles or links
 * survive); other tags are dropped and their text kept. Paragraphs and divs, when not allowed,
 * end with a <br> if that is allowed, so the text keeps its breaks.
 */
export function sanitizeHtml(html: string, allowed: ReadonlySet<string>): string {
  const withoutActive = html.replace(/<(script|style|iframe|object|embed|form)[^>]*>[\s\S]*?<\/\1>/gi, "");
  const out = withoutActive.replace(/<(\/?)([a-z][a-z0-9]*)\b[^>]*?(\/?)>/gi, (_whole, close: string, rawName: string) => {
    const name = rawName.toLowerCase();
    if (allowed.has(name)) return name === "br" ? "<br>" : `<${close}${name}>`;
    if (close && (name === "p" || name === "div") && allowed.has("br")) return "<br>";
    return "";
  });
  return out
    .replace(/(<br>\s*){3,}/g, "<br><br>")
    .replace(/^(\s|<br>)+|(\s|<br>)+$/g, "")
    .trim();
}

/**
 * At most `max` characters, cut at the last word boundary that fits (a word longer than the whole
 * limit is cut mid-word), without trailing punctuation or separators left dangling.
 */
export function truncateAtWord(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = chars.slice(0, max + 1).join("");
  const cut = head.slice(0, Math.max(head.lastIndexOf(" "), head.lastIndexOf("\n")));
  const kept = cut.length > 0 ? cut : chars.slice(0, max).join("");
  return kept.replace(/[\s,;:–—|/-]+$/u, "");
}

/** List items of the HTML if it has any, else its paragraphs (blank-line or block separated). */
export function paragraphsOf(html: string): string[] {
  const items = [...html.matchAll(/<li\b[^>]*>([\s\S]*?)<\/li>/gi)].map((m) => stripHtml(m[1]));
  if (items.some(Boolean)) return items.filter(Boolean);
  return stripHtml(html)
    .split(/\n+/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** A metafield's list value: a JSON list (Shopify's list.* types), a list, or one line per item. */
export function listValue(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
  if (typeof value !== "string") return [];
  const text = value.trim();
  if (text.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return listValue(parsed);
    } catch {
      // Not JSON after all: one item per line below.
    }
  }
  return text
    .split(/\n+/)
    .map((v) => v.trim())
    .filter(Boolean);
}
