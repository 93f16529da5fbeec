-- Times a webhook delivery was handed to the worker: 1 when stored (every delivery stored so far
-- was), one more each time Shopify redelivers it after its run failed.
ALTER TABLE "WebhookDelivery" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 1;
