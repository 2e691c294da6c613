"use client";
// The exact and semantic caches: on/off, lifetimes, sharing scope, similarity thresholds.
import { CACHE_SCOPES } from "@/lib/config/schema";
import { JsonField, NumberField, SelectField, ToggleField } from "./fields";
import { PolicyCard, useSectionEditor } from "./policy-editor";
import type { PolicyDoc } from "./types";

export function CacheSection({ doc }: { doc: PolicyDoc }) {
  const state = useSectionEditor(doc, ["cache", "semantic_cache"]);
  const { editor } = state;
  return (
    <PolicyCard
      title="Cache"
      subtitle="Exact answers for identical requests; semantic answers for prompts that mean the same. The embedding model and vector store are set in helix.yaml (they need a restart)."
      testId="policy-cache"
      sections={["cache", "semantic_cache"]}
      state={state}
    >
      <div className="grid gap-6 lg:grid-cols-2">
        <div className="space-y-3">
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Exact cache</h3>
          <ToggleField editor={editor} section="cache" field="enabled" label="Enabled" />
          <NumberField editor={editor} section="cache" field="ttl" label="Lifetime" hint="seconds (86400 = 1 day)" step="1" min={1} />
          <SelectField editor={editor} section="cache" field="scope" label="Scope" hint="tenant: shared within a team only; global: by all keys" options={CACHE_SCOPES} />
          <NumberField editor={editor} section="cache" field="max_entry_bytes" label="Largest answer cached" hint="bytes" step="1" min={1} />
        </div>
        <div className="space-y-3">
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Semantic cache</h3>
          <ToggleField editor={editor} section="semantic_cache" field="enabled" label="Enabled" />
          <NumberField editor={editor} section="semantic_cache" field="similarity_threshold" label="Similarity threshold" hint="cosine 0–1; higher is stricter" step="0.01" min={0} max={1} />
          <JsonField
            editor={editor}
            section="semantic_cache"
            field="thresholds"
            label="Per-model thresholds"
            hint='JSON, e.g. {"gpt-4o": 0.92}'
            rows={3}
            emptyValue={{}}
          />
          <NumberField editor={editor} section="semantic_cache" field="ttl" label="Lifetime" hint="seconds" step="1" min={1} />
          <NumberField editor={editor} section="semantic_cache" field="max_temperature" label="Highest temperature answered semantically" step="0.1" min={0} max={2} />
          <ToggleField editor={editor} section="semantic_cache" field="skip_tool_requests" label="Skip requests that offer tools" />
          <ToggleField editor={editor} section="semantic_cache" field="guard" label="Veto hits whose numbers, negations or names differ" />
        </div>
      </div>
    </PolicyCard>
  );
}
