import { SignOutButton } from "@/components/auth/sign-out-button";
import { dashboardUser } from "@/lib/auth/page-guards";

export const dynamic = "force-dynamic";
export const metadata = { title: "Dashboard · Helix" };

export default async function DashboardPage() {
  const user = await dashboardUser();
  return (
    <main className="mx-auto max-w-5xl space-y-6 px-6 py-10">
      <header className="flex items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">Helix dashboard</h1>
        <div className="flex items-center gap-3 text-sm text-slate-600">
          <span data-testid="signed-in-as">
            Signed in as {user.email} ({user.role})
          </span>
          <SignOutButton />
        </div>
      </header>
    </main>
  );
}
