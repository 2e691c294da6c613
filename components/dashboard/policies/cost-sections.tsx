"use client";
// Model-swap rules (a JSON list validated live, like helix.yaml's cost_optimization.rules) and
// budgets & alerts (the gateway-wide and per-end-user budgets, thresholds and webhooks).
// Per-team, per-key and per-user budgets have their own API and page.
import Link from "next/link";
import { JsonField, ListField, NumberField, ToggleField } from "./fields";
import { PolicyCard, useSectionEditor } from "./policy-editor";
import type { PolicyDoc } from "./types";

const RULE_EXAMPLE = `[
  {
    "rule_name": "short-prompts-to-mini",
    "conditions": { "prompt_tokens": "< 500" },
    "action": { "model": "gpt-4o-mini", "reason": "short prompt" }
  }
]`;

export function RulesSection({ doc }: { doc: PolicyDoc }) {
  const state = useSectionEditor(doc, ["cost_optimization"]);
  const { editor } = state;
  return (
    <PolicyCard
      title="Model-swap rules"
      subtitle="Serve a cheaper model when a request matches; first matching rule wins. Targets must be served by the model list."
      testId="policy-rules"
      sections={["cost_optimization"]}
      state={state}
    >
      <ToggleField editor={editor} section="cost_optimization" field="model_swapping" label="Apply model-swap rules" />
      <JsonField editor={editor} section="cost_optimization" field="rules" label="Rules" hint="JSON list, checked as you type" rows={12} emptyValue={[]} />
      <details className="text-xs text-slate-600">
        <summary className="cursor-pointer">Example</summary>
        <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-2">{RULE_EXAMPLE}</pre>
      </details>
    </PolicyCard>
  );
}

export function BudgetsSection({ doc }: { doc: PolicyDoc }) {
  const state = useSectionEditor(doc, ["cost_optimization"]);
  const { editor } = state;
  return (
    <PolicyCard
      title="Budgets & alerts"
      subtitle={
        <>
          The gateway-wide and per-end-user budgets, and when and where alerts go. Budgets per team, key or user live in the{" "}
          <Link href="/dashboard/cost" className="text-indigo-700 underline">
            Cost
          </Link>{" "}
          page and the budgets API (<code>/helix/budgets</code>).
        </>
      }
      testId="policy-budgets"
      sections={["cost_optimization"]}
      state={state}
    >
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <ToggleField editor={editor} section="cost_optimization" field="enabled" label="Enforce budgets" hint="cost is recorded either way" />
        <ToggleField editor={editor} section="cost_optimization" field="budget_alerts" label="Send budget alerts" />
        <NumberField editor={editor} section="cost_optimization" field="reserve_output_tokens" label="Output tokens reserved" hint="when a request sets no max_tokens" step="1" min={1} />
        <ListField editor={editor} section="cost_optimization" field="alert_thresholds" label="Alert thresholds" hint="% of a budget, e.g. 50, 80, 100" number />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <JsonField
          editor={editor}
          section="cost_optimization"
          field="global_budget"
          label="Gateway-wide budget"
          hint='JSON, e.g. {"max_budget_usd": 500, "period": "monthly", "soft": false}'
          rows={5}
        />
        <JsonField editor={editor} section="cost_optimization" field="end_user_budget" label="Budget per end user" hint='JSON, e.g. {"max_budget_usd": 2, "period": "daily"}' rows={5} />
      </div>
      <JsonField
        editor={editor}
        section="cost_optimization"
        field="alert_webhooks"
        label="Alert webhooks"
        hint='JSON list, e.g. [{"url": "https://hooks.slack.com/…", "format": "slack"}]'
        rows={5}
        emptyValue={[]}
      />
    </PolicyCard>
  );
}
