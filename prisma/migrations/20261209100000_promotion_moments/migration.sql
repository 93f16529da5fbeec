-- Promotion moments noted once (reserve opening, start, end), see sync/promotion-moments.server.ts
ALTER TABLE "Promotion" ADD COLUMN "reserveOpenedAt" TIMESTAMP(3),
ADD COLUMN "startedAt" TIMESTAMP(3),
ADD COLUMN "endedAt" TIMESTAMP(3);
