import { PoliciesView } from "@/components/dashboard/policies/policies-view";

export const metadata = { title: "Policies · Helix" };

export default function PoliciesPage() {
  return <PoliciesView />;
}
