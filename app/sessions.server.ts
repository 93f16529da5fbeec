import type { Prisma, PrismaClient } from "@prisma/client";
import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage, type PrismaSessionStorageInterface } from "@shopify/shopify-app-session-storage-prisma";
import { AnchorlineError } from "./lib/errors";
import { logger } from "./lib/logger.server";
import { isSealed, openSecret, SEALED_PREFIX, sealSecret } from "./lib/secrets.server";

// Shopify sessions in PostgreSQL with their tokens sealed. An offline access token opens the whole
// store's Admin API, so it is stored as marketplace credentials are: AES-256-GCM under
// ANCHORLINE_ENCRYPTION_KEY (lib/secrets.server.ts). The shop and the field are bound in as
// additional authenticated data, so a token copied into another shop's row, or a refresh token
// copied into the access token's column, does not open.
//
// Every read of a stored token goes through openSessionToken: the library's session storage
// (shopify.server.ts) and the workers' Admin client (anchor/admin-client.server.ts). Nothing here
// logs a token: only the shop and the session id.

type TokenField = "accessToken" | "refreshToken";
type Db = PrismaClient | Prisma.TransactionClient;

const boundTo = (shop: string, field: TokenField) => `shopify-session:${shop}:${field}`;

export function sealSessionToken(token: string, shop: string, field: TokenField): string {
  return sealSecret(token, boundTo(shop, field));
}

/**
 * A stored token that does not open: ANCHORLINE_ENCRYPTION_KEY changed, or the column was copied
 * from another shop's row. Trying again cannot help; a new token from Shopify does.
 */
export class UnreadableSessionToken extends AnchorlineError {
  constructor(shop: string) {
    super(`The stored Shopify token of ${shop} does not open with ANCHORLINE_ENCRYPTION_KEY: the merchant must open the app once`, {
      retryable: false,
    });
  }
}

/**
 * The token a stored column holds. A column without the sealed format's prefix was written before
 * tokens were sealed (Shopify's tokens start shpat_, shpua_, shprt_…); it is read as it is until
 * start-up seals it (sealPlaintextSessionTokens), so an upgrade never logs every shop out.
 */
export function openSessionToken(stored: string, shop: string, field: TokenField): string {
  if (!isSealed(stored)) return stored;
  try {
    return openSecret(stored, boundTo(shop, field));
  } catch {
    throw new UnreadableSessionToken(shop);
  }
}

/** The token columns of a session row, sealed: what to write wherever a row's tokens change. */
export function sealedTokenColumns(shop: string, tokens: { accessToken: string; refreshToken?: string | null }) {
  return {
    accessToken: tokens.accessToken ? sealSessionToken(tokens.accessToken, shop, "accessToken") : "",
    ...(tokens.refreshToken ? { refreshToken: sealSessionToken(tokens.refreshToken, shop, "refreshToken") } : {}),
  };
}

function withTokens(session: Session, seal: boolean): Session {
  const convert = (value: string | undefined, field: TokenField) =>
    value ? (seal ? sealSessionToken(value, session.shop, field) : openSessionToken(value, session.shop, field)) : value;
  return new Session({
    ...session.toObject(),
    accessToken: convert(session.accessToken, "accessToken"),
    refreshToken: convert(session.refreshToken, "refreshToken"),
  });
}

/**
 * The session with its tokens opened; none when they do not open, so that the library asks Shopify
 * for a new token (token exchange) the next time the merchant opens the app, as after an install.
 */
function opened(session: Session): Session | undefined {
  try {
    return withTokens(session, false);
  } catch (error) {
    if (!(error instanceof UnreadableSessionToken)) throw error;
    logger.warn({ shop: session.shop, sessionId: session.id }, "a stored Shopify token does not open: treated as no session");
    return undefined;
  }
}

/** The library's Prisma session storage, sealing the tokens it stores and opening those it loads. */
export class SealedPrismaSessionStorage implements PrismaSessionStorageInterface {
  private readonly rows: PrismaSessionStorage<PrismaClient>;

  constructor(prisma: PrismaClient) {
    this.rows = new PrismaSessionStorage(prisma);
  }

  storeSession(session: Session): Promise<boolean> {
    return this.rows.storeSession(withTokens(session, true));
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.rows.loadSession(id);
    return session && opened(session);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return (await this.rows.findSessionsByShop(shop)).map(opened).filter((session) => session !== undefined);
  }

  deleteSession(id: string): Promise<boolean> {
    return this.rows.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.rows.deleteSessions(ids);
  }

  isReady(): Promise<boolean> {
    return this.rows.isReady();
  }
}

export interface OfflineSession {
  id: string;
  accessToken: string;
  refreshToken: string | null;
  expires: Date | null;
}

/** A shop's offline session with its tokens opened, for the workers' Admin client. */
export async function readOfflineSession(db: Db, shop: string): Promise<OfflineSession | null> {
  const row = await db.session.findFirst({
    where: { shop, isOnline: false },
    select: { id: true, accessToken: true, refreshToken: true, expires: true },
  });
  if (!row) return null;
  return {
    id: row.id,
    expires: row.expires,
    accessToken: openSessionToken(row.accessToken, shop, "accessToken"),
    refreshToken: row.refreshToken && openSessionToken(row.refreshToken, shop, "refreshToken"),
  };
}

/**
 * Seals every token still stored in plain text, and answers how many rows it sealed. Migration
 * 20261206090000_sealed_session_tokens cannot do this: SQL has no access to the key, which lives
 * in the app's environment, not the database. So `npm start` runs this after the migrations and
 * before serving (scripts/start.mjs); a row is plain text when a token lacks the sealed format's
 * prefix. Each row is rewritten only if its tokens are still the ones read, so a token refreshed
 * meanwhile (by a worker of a deployment still running) is never overwritten with an older one.
 */
export async function sealPlaintextSessionTokens(prisma: PrismaClient): Promise<number> {
  const rows = await prisma.session.findMany({
    where: {
      OR: [
        { NOT: [{ accessToken: "" }, { accessToken: { startsWith: SEALED_PREFIX } }] },
        { NOT: [{ refreshToken: null }, { refreshToken: { startsWith: SEALED_PREFIX } }] },
      ],
    },
    select: { id: true, shop: true, accessToken: true, refreshToken: true },
  });
  let sealed = 0;
  for (const row of rows) {
    const columns = sealedTokenColumns(row.shop, {
      accessToken: openSessionToken(row.accessToken, row.shop, "accessToken"),
      refreshToken: row.refreshToken && openSessionToken(row.refreshToken, row.shop, "refreshToken"),
    });
    const { count } = await prisma.session.updateMany({
      where: { id: row.id, accessToken: row.accessToken, refreshToken: row.refreshToken },
      data: columns,
    });
    sealed += count;
  }
  return sealed;
}
