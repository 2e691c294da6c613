"use client";
// Who changed the policies, when, what and why; revert saves an old version's document again
// (as a new version, so the history only grows).
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { ApiError, fetchJson } from "@/components/dashboard/api";
import { formatDateTime } from "@/lib/dashboard/format";
import { POLICIES_API } from "./policy-editor";
import type { PolicyDoc } from "./types";

function who(by: string): string {
  return by.startsWith("dashboard:") ? by.slice("dashboard:".length) : by === "master" ? "master key" : by;
}

export function PolicyHistory({ doc }: { doc: PolicyDoc }) {
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function revert(version: number) {
    setBusy(true);
    setError(null);
    try {
      await fetchJson(`${POLICIES_API}/revert/${version}`, { method: "POST", body: JSON.stringify({ base_version: doc.version }) });
      setConfirming(null);
      await qc.invalidateQueries();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const revertButton = (version: number, label: string) =>
    confirming === version ? (
      <span className="flex gap-1">
        <Button variant="danger" disabled={busy} onClick={() => void revert(version)} data-testid={`revert-confirm-${version}`}>
          {version === 0 ? "Drop all overrides" : `Make v${version} current`}
        </Button>
        <Button onClick={() => setConfirming(null)}>Cancel</Button>
      </span>
    ) : (
      <Button onClick={() => setConfirming(version)} data-testid={`revert-${version}`}>
        {label}
      </Button>
    );

  return (
    <Card
      testId="policy-history"
      title="Version history"
      subtitle="Every save is a new version; the newest is in force. Reverting saves an older version again."
      actions={doc.can_edit && doc.version > 0 ? revertButton(0, "Back to helix.yaml") : undefined}
    >
      {error && (
        <p role="alert" className="mb-2 text-sm text-rose-700">
          {error}
        </p>
      )}
      {doc.history.length === 0 ? (
        <p data-testid="policy-history-empty" className="text-sm text-slate-500">
          No dashboard changes yet: everything in force comes from helix.yaml.
        </p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-slate-500">
              <tr>
                <th className="py-1 pr-3 font-medium">Version</th>
                <th className="py-1 pr-3 font-medium">When</th>
                <th className="py-1 pr-3 font-medium">Who</th>
                <th className="py-1 pr-3 font-medium">What changed</th>
                <th className="py-1 pr-3 font-medium">Comment</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {doc.history.map((h) => (
                <tr key={h.version} className="border-t border-slate-100 align-top" data-testid={`history-${h.version}`}>
                  <td className="py-2 pr-3 font-mono">
                    v{h.version}
                    {h.version === doc.version && <span className="ml-1 text-xs text-emerald-700">(in force)</span>}
                  </td>
                  <td className="whitespace-nowrap py-2 pr-3 text-slate-600">{formatDateTime(h.created_at)}</td>
                  <td className="py-2 pr-3">{who(h.created_by)}</td>
                  <td className="py-2 pr-3 font-mono text-xs text-slate-700">{h.changed.length ? h.changed.join(", ") : "no change"}</td>
                  <td className="py-2 pr-3 text-slate-600">{h.comment ?? ""}</td>
                  <td className="py-2 text-right">{doc.can_edit && h.version !== doc.version && revertButton(h.version, "Revert")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
