import { CostView } from "@/components/dashboard/cost/cost-view";

export const metadata = { title: "Cost · Helix" };

export default function CostPage() {
  return <CostView />;
}
