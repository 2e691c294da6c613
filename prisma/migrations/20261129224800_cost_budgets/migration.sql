-- AlterTable
ALTER TABLE "request_logs" ADD COLUMN     "cache_savings_micros" BIGINT,
ADD COLUMN     "cached_input_tokens" INTEGER,
ADD COLUMN     "cost_micros" BIGINT,
ADD COLUMN     "cost_status" TEXT,
ADD COLUMN     "price_source" TEXT,
ADD COLUMN     "reasoning_tokens" INTEGER,
ADD COLUMN     "swap_reason" TEXT,
ADD COLUMN     "swap_rule" TEXT,
ADD COLUMN     "swap_savings_micros" BIGINT;

-- CreateTable
CREATE TABLE "model_prices" (
    "id" TEXT NOT NULL,
    "provider" TEXT,
    "model" TEXT NOT NULL,
    "input_per_mtok" DOUBLE PRECISION NOT NULL,
    "output_per_mtok" DOUBLE PRECISION NOT NULL,
    "cached_input_per_mtok" DOUBLE PRECISION,
    "cache_write_per_mtok" DOUBLE PRECISION,
    "reasoning_per_mtok" DOUBLE PRECISION,
    "per_request_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "effective_from" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,

    CONSTRAINT "model_prices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "budgets" (
    "id" TEXT NOT NULL,
    "scope_type" TEXT NOT NULL,
    "scope_id" TEXT NOT NULL,
    "max_budget_micros" BIGINT,
    "period" TEXT NOT NULL DEFAULT 'monthly',
    "period_days" INTEGER,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "soft" BOOLEAN NOT NULL DEFAULT false,
    "alert_thresholds" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "rpm" INTEGER,
    "tpm" INTEGER,
    "anchor" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "updated_by" TEXT NOT NULL,

    CONSTRAINT "budgets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "budget_alerts" (
    "id" TEXT NOT NULL,
    "scope_type" TEXT NOT NULL,
    "scope_id" TEXT NOT NULL,
    "period_start" TIMESTAMP(3) NOT NULL,
    "threshold" INTEGER NOT NULL,
    "spend_micros" BIGINT NOT NULL,
    "limit_micros" BIGINT NOT NULL,
    "soft" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivery_status" TEXT NOT NULL DEFAULT 'pending',
    "delivery_attempts" INTEGER NOT NULL DEFAULT 0,
    "delivered_at" TIMESTAMP(3),
    "last_error" TEXT,

    CONSTRAINT "budget_alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_rollups" (
    "granularity" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "dimension" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "errors" BIGINT NOT NULL DEFAULT 0,
    "input_tokens" BIGINT NOT NULL DEFAULT 0,
    "output_tokens" BIGINT NOT NULL DEFAULT 0,
    "cost_micros" BIGINT NOT NULL DEFAULT 0,
    "cache_hits" BIGINT NOT NULL DEFAULT 0,
    "semantic_hits" BIGINT NOT NULL DEFAULT 0,
    "cache_savings_micros" BIGINT NOT NULL DEFAULT 0,
    "swaps" BIGINT NOT NULL DEFAULT 0,
    "swap_savings_micros" BIGINT NOT NULL DEFAULT 0,
    "unknown_cost" BIGINT NOT NULL DEFAULT 0,
    "latency_ms_sum" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "usage_rollups_pkey" PRIMARY KEY ("granularity","dimension","value","bucket")
);

-- CreateIndex
CREATE INDEX "model_prices_model_effective_from_idx" ON "model_prices"("model", "effective_from");

-- CreateIndex
CREATE UNIQUE INDEX "budgets_scope_type_scope_id_key" ON "budgets"("scope_type", "scope_id");

-- CreateIndex
CREATE INDEX "budget_alerts_created_at_idx" ON "budget_alerts"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "budget_alerts_scope_type_scope_id_period_start_threshold_key" ON "budget_alerts"("scope_type", "scope_id", "period_start", "threshold");

-- CreateIndex
CREATE INDEX "usage_rollups_granularity_bucket_idx" ON "usage_rollups"("granularity", "bucket");
