-- CreateIndex
CREATE INDEX "request_logs_status_created_at_idx" ON "request_logs"("status", "created_at");

-- CreateIndex
CREATE INDEX "request_logs_cache_status_created_at_cache_similarity_idx" ON "request_logs"("cache_status", "created_at", "cache_similarity");
