-- When an account's order notifications were known to be in place (its order polling then slows to the safety net's pace).
ALTER TABLE "Channel" ADD COLUMN "orderNotificationsAt" TIMESTAMP(3);
