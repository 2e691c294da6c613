// Where to go after signing in: only a path on this site (no open redirect to another host).
export const DEFAULT_AFTER_LOGIN = "/dashboard";

export function safeCallbackPath(raw: string | string[] | undefined | null): string {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!v || !v.startsWith("/") || v.startsWith("//") || v.startsWith("/\\")) return DEFAULT_AFTER_LOGIN;
  // Back to the sign-in or setup pages would loop.
  if (/^\/(login|setup)(\/|\?|$)/.test(v)) return DEFAULT_AFTER_LOGIN;
  return v;
}
