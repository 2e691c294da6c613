-- AlterTable
ALTER TABLE "budget_alerts" ADD COLUMN     "period" TEXT,
ADD COLUMN     "reset_at" TIMESTAMP(3);
