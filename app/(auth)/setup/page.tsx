import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/setup-form";
import { setupPage } from "@/lib/auth/page-guards";

export const dynamic = "force-dynamic";
export const metadata = { title: "Set up · Helix" };

export default async function SetupPage() {
  await setupPage();
  return (
    <AuthCard title="Create the first admin" subtitle="No dashboard user exists yet. This page disappears once the admin is created.">
      <SetupForm />
    </AuthCard>
  );
}
