"use client";
import { useSyncExternalStore } from "react";
import { signOut } from "next-auth/react";

const noSubscription = () => () => {};

export function SignOutButton() {
  // Disabled until hydrated: a click before React attaches the handler would do nothing.
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);
  return (
    <button
      type="button"
      disabled={!hydrated}
      onClick={() => void signOut({ callbackUrl: "/login" })}
      className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:opacity-60"
    >
      Sign out
    </button>
  );
}
