-- Shopify's access and refresh tokens are stored sealed from now on (AES-256-GCM, "v1:" then
-- base64), as marketplace credentials are: app/sessions.server.ts.
--
-- Sealing the rows already stored cannot happen here: SQL has no access to the key, which lives in
-- the app's environment (ANCHORLINE_ENCRYPTION_KEY), never in the database. So `npm start`
-- (scripts/start.mjs) seals them right after `migrate deploy` and before it serves, with
-- sealPlaintextSessionTokens: a token without the "v1:" prefix is plain text (Shopify's begin
-- shpat_, shpua_, shprt_). Until then such a token is still read as it is, so an upgrade logs no
-- shop out. This migration records the format on the columns for whoever reads the database.
COMMENT ON COLUMN "Session"."accessToken" IS 'Sealed with ANCHORLINE_ENCRYPTION_KEY (app/sessions.server.ts), plain text only until the next start seals it';
COMMENT ON COLUMN "Session"."refreshToken" IS 'Sealed with ANCHORLINE_ENCRYPTION_KEY (app/sessions.server.ts), plain text only until the next start seals it';
