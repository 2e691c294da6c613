-- CreateTable
CREATE TABLE "pii_rollups" (
    "granularity" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "entity_type" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "team_id" TEXT NOT NULL,
    "detections" BIGINT NOT NULL DEFAULT 0,
    "incidents" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "pii_rollups_pkey" PRIMARY KEY ("granularity","bucket","entity_type","action","team_id")
);

-- Backfill from the incidents already stored (the same sums the incident insert maintains from now on).
INSERT INTO "pii_rollups" ("granularity", "bucket", "entity_type", "action", "team_id", "detections", "incidents")
SELECT g.granularity, date_trunc(g.granularity, p.created_at), p.entity_type, p.action, COALESCE(p.team_id, ''), sum(p.count), count(*)
FROM "pii_incidents" p CROSS JOIN (VALUES ('minute'), ('hour'), ('day')) AS g(granularity)
GROUP BY 1, 2, 3, 4, 5;
