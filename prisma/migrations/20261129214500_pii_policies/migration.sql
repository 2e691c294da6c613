-- CreateTable
CREATE TABLE "pii_policies" (
    "id" TEXT NOT NULL,
    "scope_type" TEXT NOT NULL,
    "scope_id" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "updated_by" TEXT NOT NULL,

    CONSTRAINT "pii_policies_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "pii_policies_scope_type_scope_id_key" ON "pii_policies"("scope_type", "scope_id");

-- CreateIndex
CREATE INDEX "pii_incidents_entity_type_action_count_idx" ON "pii_incidents"("entity_type", "action", "count");
