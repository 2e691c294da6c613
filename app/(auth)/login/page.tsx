import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/login-form";
import { loginPage } from "@/lib/auth/page-guards";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in · Helix" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { callbackUrl, notice, error, providers } = await loginPage(searchParams);
  return (
    <AuthCard title="Sign in to Helix" subtitle="The dashboard for your gateway.">
      <LoginForm callbackUrl={callbackUrl} notice={notice} initialError={error} providers={providers} />
    </AuthCard>
  );
}
