-- CreateTable
CREATE TABLE "pii_incidents" (
    "id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "request_id" TEXT NOT NULL,
    "api_key_id" TEXT,
    "user_id" TEXT,
    "team_id" TEXT,
    "org_id" TEXT,
    "entity_type" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "policy" TEXT NOT NULL,
    "recognizer" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "location" TEXT NOT NULL,

    CONSTRAINT "pii_incidents_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "pii_incidents_created_at_idx" ON "pii_incidents"("created_at");

-- CreateIndex
CREATE INDEX "pii_incidents_team_id_created_at_idx" ON "pii_incidents"("team_id", "created_at");

-- CreateIndex
CREATE INDEX "pii_incidents_entity_type_created_at_idx" ON "pii_incidents"("entity_type", "created_at");

-- CreateIndex
CREATE INDEX "pii_incidents_request_id_idx" ON "pii_incidents"("request_id");
