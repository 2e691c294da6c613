-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "cache_enabled" BOOLEAN,
ADD COLUMN     "semantic_threshold" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "teams" ADD COLUMN     "cache_enabled" BOOLEAN,
ADD COLUMN     "semantic_threshold" DOUBLE PRECISION;
