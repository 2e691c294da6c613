import { Badge } from "@/components/ui/badge";

export function StatusBadge({ status }: { status: number }) {
  const tone = status >= 500 ? "bad" : status >= 400 ? "warn" : status >= 200 && status < 300 ? "good" : "neutral";
  return <Badge tone={tone}>{status}</Badge>;
}

export function CacheBadge({ status, similarity }: { status: string | null; similarity?: number | null }) {
  if (!status) return <span className="text-slate-400">—</span>;
  const tone = status === "HIT" ? "good" : status === "SEMANTIC_HIT" ? "info" : "neutral";
  const label = status === "SEMANTIC_HIT" && similarity != null ? `SEMANTIC ${similarity.toFixed(3)}` : status;
  return <Badge tone={tone}>{label}</Badge>;
}

/** "Nov 29, 12:00:01 UTC": the log needs seconds, which formatDateTime leaves out. */
export function formatLogTime(iso: string): string {
  return (
    new Date(iso).toLocaleString("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: "UTC" }) + " UTC"
  );
}
