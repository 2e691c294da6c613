"use client";
import { useActionState } from "react";
import { createFirstAdminAction, type SetupFormState } from "@/lib/auth/setup-action";

export function SetupForm({ token }: { token?: string }) {
  const [state, action, pending] = useActionState<SetupFormState, FormData>(createFirstAdminAction, {});
  const input = "w-full rounded-md border border-slate-300 px-3 py-2";
  return (
    <form action={action} className="space-y-4" aria-label="Create the first admin">
      {token && <input type="hidden" name="token" value={token} />}
      {state.error && (
        <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" role="alert">
          {state.error}
        </p>
      )}
      <label className="block space-y-1">
        <span className="text-sm font-medium">Email</span>
        <input name="email" type="email" autoComplete="username" required defaultValue={state.email} className={input} />
      </label>
      <label className="block space-y-1">
        <span className="text-sm font-medium">Name (optional)</span>
        <input name="name" type="text" autoComplete="name" defaultValue={state.name} className={input} />
      </label>
      <label className="block space-y-1">
        <span className="text-sm font-medium">Password</span>
        <input name="password" type="password" autoComplete="new-password" required minLength={8} className={input} />
      </label>
      <label className="block space-y-1">
        <span className="text-sm font-medium">Repeat password</span>
        <input name="confirm" type="password" autoComplete="new-password" required minLength={8} className={input} />
      </label>
      <button type="submit" disabled={pending} className="w-full rounded-md bg-slate-900 px-3 py-2 font-medium text-white disabled:opacity-60">
        {pending ? "Creating…" : "Create admin"}
      </button>
    </form>
  );
}
