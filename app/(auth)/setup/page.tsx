import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/setup-form";
import { setupPage } from "@/lib/auth/page-guards";

export const dynamic = "force-dynamic";
export const metadata = { title: "Set up · Helix" };

export default async function SetupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { allowed, token } = await setupPage(searchParams);
  if (!allowed) {
    return (
      <AuthCard title="Set up Helix from a trusted place" subtitle="No dashboard user exists yet.">
        <p className="text-sm text-slate-700" role="alert" data-testid="setup-refused">
          The first admin can be created on the machine Helix runs on, or from anywhere with the link in Helix&apos;s start-up log
          (<code>/setup?token=…</code>). Or start Helix with <code>ADMIN_EMAIL</code> and <code>ADMIN_PASSWORD</code> set.
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Create the first admin" subtitle="No dashboard user exists yet. This page disappears once the admin is created.">
      <SetupForm token={token} />
    </AuthCard>
  );
}
