// Dashboard pages need a session: without a valid session cookie, /dashboard/** redirects to the
// sign-in page, which sends the user back here afterwards. (APIs check with requireDashboardSession.)
import { NextResponse, type NextRequest } from "next/server";
import { readDashboardToken } from "@/lib/auth/session-token";

export async function proxy(request: NextRequest) {
  if (await readDashboardToken(request)) return NextResponse.next();
  const login = request.nextUrl.clone();
  login.pathname = "/login";
  login.search = "";
  login.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(login);
}

export const config = { matcher: ["/dashboard", "/dashboard/:path*"] };
