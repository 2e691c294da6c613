-- AlterTable
ALTER TABLE "usage_rollups" ADD COLUMN     "cache_saved_ms_sum" BIGINT NOT NULL DEFAULT 0;
