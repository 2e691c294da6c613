// The handler behind app/api/auth/[...nextauth] (sign-in, sign-out, session, CSRF token).
import "server-only";
import NextAuth from "next-auth";
import { dashboardAuthOptions } from "./dashboard-auth";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

export function nextAuthRoute(request: Request, context: RouteContext): Promise<Response> {
  return NextAuth(request as never, context as never, dashboardAuthOptions()) as Promise<Response>;
}
