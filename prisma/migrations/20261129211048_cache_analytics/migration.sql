-- AlterTable
ALTER TABLE "request_logs" ADD COLUMN     "cache_saved_ms" INTEGER,
ADD COLUMN     "cache_similarity" DOUBLE PRECISION;
