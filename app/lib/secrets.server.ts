import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { env } from "./env.server";

// Marketplace credentials and Shopify session tokens (sessions.server.ts) are stored as AES-256-GCM
// ciphertext. The shop is bound in as additional authenticated data, so a ciphertext copied into
// another shop's row does not decrypt.
const VERSION = "v1";
/** How every sealed value begins; a stored value without it was never sealed. */
export const SEALED_PREFIX = `${VERSION}:`;
const IV_BYTES = 12; // the GCM standard nonce size (NIST SP 800-38D)
const TAG_BYTES = 16;

function encryptionKey(): Buffer {
  return Buffer.from(env().ANCHORLINE_ENCRYPTION_KEY, "base64");
}

/** Seals `plaintext` so that it opens only with the same key and the same `boundTo` (a shop's id, say). */
export function sealSecret(plaintext: string, boundTo: string, key: Buffer = encryptionKey()): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(boundTo, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `${SEALED_PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

export function openSecret(sealed: string, boundTo: string, key: Buffer = encryptionKey()): string {
  const [version, payload] = sealed.split(":", 2);
  if (version !== VERSION || !payload) throw new Error("Unknown secret format");
  const raw = Buffer.from(payload, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(boundTo, "utf8"));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
}

export function sealCredentials(credentials: Record<string, string>, shopId: string): string {
  return sealSecret(JSON.stringify(credentials), shopId);
}

export function openCredentials(sealed: string, shopId: string): Record<string, string> {
  return JSON.parse(openSecret(sealed, shopId)) as Record<string, string>;
}

/**
 * A secret for one purpose (e.g. the key a marketplace's notification destination sends), derived
 * from the encryption key: nothing more to store or rotate, and changing the key revokes them all.
 */
export function derivedSecret(purpose: string, key: Buffer = encryptionKey()): string {
  return createHmac("sha256", key).update(`anchorline:${purpose}`).digest("base64url");
}

/** Compares a presented secret with the expected one in constant time. */
export function secretMatches(presented: string | null | undefined, expected: string): boolean {
  if (!presented) return false;
  // Comparing digests keeps the comparison constant-time whatever the presented length.
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
