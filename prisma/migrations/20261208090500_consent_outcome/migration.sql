-- How a consent ended, shown to the merchant on their return, and the account it connected.
ALTER TABLE "ConsentAttempt" ADD COLUMN "outcome" TEXT;
ALTER TABLE "ConsentAttempt" ADD COLUMN "channelId" TEXT;
