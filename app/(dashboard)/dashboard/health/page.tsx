import { HealthView } from "@/components/dashboard/health/health-view";

export const metadata = { title: "System health · Helix" };

export default function HealthPage() {
  return <HealthView />;
}
