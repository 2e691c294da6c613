import type { SetupItem } from "@/lib/setup/status";
import { SetupChecklist } from "./setup-checklist";

const snippet = `from openai import OpenAI
client = OpenAI(base_url="http://localhost:4000/v1", api_key="sk-anything")
client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])`;

export function Welcome({ items }: { items: SetupItem[] }) {
  return (
    <main className="mx-auto max-w-3xl space-y-8 px-6 py-12">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">Helix AI Gateway is running</h1>
        <p className="text-slate-600">
          An OpenAI-compatible gateway for OpenAI, Anthropic, Gemini, Groq and any OpenAI-compatible server. Point your
          OpenAI SDK at <code className="rounded bg-slate-200 px-1">/v1</code> on this host.
        </p>
        <p>
          <a href="/dashboard" className="inline-block rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">
            Open the dashboard
          </a>
        </p>
      </header>
      <section className="space-y-3">
        <h2 className="text-xl font-semibold">Setup</h2>
        <SetupChecklist items={items} />
      </section>
      <section className="space-y-3">
        <h2 className="text-xl font-semibold">Try it</h2>
        <pre className="overflow-x-auto rounded-lg bg-slate-900 p-4 text-sm text-slate-100">{snippet}</pre>
        <p className="text-sm text-slate-600">
          Health: <a className="underline" href="/health">/health</a> ·{" "}
          <a className="underline" href="/health/readiness">/health/readiness</a>
        </p>
      </section>
    </main>
  );
}
