-- Drift (issue 21, decision 0025): whether a channel's price drift is pushed again (off by default, a seller may price by hand on purpose), and whether a suspended listing's units are offered to the other channels
ALTER TABLE "Channel" ADD COLUMN "repairPriceDrift" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "offerSuspendedUnits" BOOLEAN NOT NULL DEFAULT false;
