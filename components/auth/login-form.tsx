"use client";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";

// next-auth's error codes (from a failed sign-in, or ?error= after a provider redirect).
const MESSAGES: Record<string, string> = {
  CredentialsSignin: "Wrong email or password.",
  SessionRequired: "Sign in to continue.",
  AccessDenied: "This account may not use the dashboard. Ask an admin to add your email.",
  OAuthSignin: "Single sign-on could not start. Try again.",
  OAuthCallback: "Single sign-on failed. Try again.",
  Callback: "Single sign-on failed. Try again.",
  OAuthAccountNotLinked: "Sign in the way you did before.",
  Configuration: "Sign-in is misconfigured on the server; the server log has the cause.",
};
const message = (code: string) => MESSAGES[code] ?? (/^[A-Z][A-Za-z]+$/.test(code) ? "Sign-in failed. Try again." : code);

interface Props {
  callbackUrl: string;
  notice?: string;
  initialError?: string;
  providers?: { id: string; name: string }[];
}

export function LoginForm({ callbackUrl, notice, initialError, providers = [] }: Props) {
  const [error, setError] = useState<string | null>(initialError ? message(initialError) : null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      callbackUrl,
      redirect: false,
    }).catch(() => undefined);
    if (result?.ok && !result.error) {
      window.location.assign(callbackUrl);
      return;
    }
    setPending(false);
    setError(result?.error ? message(result.error) : "Could not reach the server. Try again.");
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Sign in">
      {notice && !error && (
        <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
      <label className="block space-y-1">
        <span className="text-sm font-medium">Email</span>
        <input name="email" type="email" autoComplete="username" required className="w-full rounded-md border border-slate-300 px-3 py-2" />
      </label>
      <label className="block space-y-1">
        <span className="text-sm font-medium">Password</span>
        <input name="password" type="password" autoComplete="current-password" required className="w-full rounded-md border border-slate-300 px-3 py-2" />
      </label>
      <button type="submit" disabled={pending} className="w-full rounded-md bg-slate-900 px-3 py-2 font-medium text-white disabled:opacity-60">
        {pending ? "Signing in…" : "Sign in"}
      </button>
      {providers.map((p) => (
        <button
          key={p.id}
          type="button"
          onClick={() => void signIn(p.id, { callbackUrl })}
          className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-medium hover:bg-slate-100"
        >
          Sign in with {p.name}
        </button>
      ))}
    </form>
  );
}
