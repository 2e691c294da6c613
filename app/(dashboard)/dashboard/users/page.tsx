import { Card, PageHeader } from "@/components/ui/card";
import { UsersView } from "@/components/dashboard/users/users-view";
import { dashboardRole } from "@/lib/auth/page-guards";

export const metadata = { title: "Users · Helix" };

export default async function UsersPage() {
  if ((await dashboardRole()) !== "admin") {
    return (
      <>
        <PageHeader title="Users" />
        <Card testId="users-admin-only">
          <p className="text-sm text-slate-700">Only admins can see and manage dashboard users. Ask an admin if you need access.</p>
        </Card>
      </>
    );
  }
  return <UsersView />;
}
