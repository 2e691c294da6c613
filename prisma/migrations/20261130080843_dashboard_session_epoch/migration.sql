-- AlterTable
ALTER TABLE "dashboard_users" ADD COLUMN     "session_epoch" INTEGER NOT NULL DEFAULT 0;
