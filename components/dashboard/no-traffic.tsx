"use client";
// What a page with no requests in its range shows above its (zero) figures: that nothing has come
// through yet, and how to send the first request or fill the dashboard with demo data.
import Link from "next/link";
import { useHydrated } from "@/components/ui/use-hydrated";

/** A first request through Helix (the origin is the dashboard's own). */
export function firstRequestSnippet(origin: string): string {
  return [
    `curl ${origin}/v1/chat/completions \\`,
    `  -H "Authorization: Bearer $HELIX_API_KEY" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello"}]}'`,
  ].join("\n");
}

export function NoTraffic({ what = "requests" }: { what?: string }) {
  const hydrated = useHydrated();
  const origin = hydrated ? window.location.origin : "http://localhost:4000";
  return (
    <section data-testid="no-traffic" className="rounded-xl border border-dashed border-indigo-200 bg-indigo-50/50 p-5 text-sm text-slate-700">
      <h2 className="font-semibold text-slate-900">No {what} in this range yet</h2>
      <p className="mt-1">
        Point any OpenAI SDK at <code className="rounded bg-white px-1 text-xs">{origin}/v1</code> and send a request — it shows up here within seconds. With
        curl:
      </p>
      <pre data-testid="no-traffic-snippet" className="mt-3 overflow-x-auto rounded-lg bg-slate-900 p-3 text-xs leading-relaxed text-slate-100">
        {firstRequestSnippet(origin)}
      </pre>
      <p className="mt-3 text-xs text-slate-600">
        Use a <code>model_name</code> from your helix.yaml (<code>GET /v1/models</code> lists them) and a key from{" "}
        <Link href="/dashboard/keys" className="font-medium text-indigo-700 hover:underline">
          Keys
        </Link>
        . Just looking around? <code className="rounded bg-white px-1">npm run seed:demo</code> fills the dashboard with a month of demo traffic.
      </p>
    </section>
  );
}
