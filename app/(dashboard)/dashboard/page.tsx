import { OverviewView } from "@/components/dashboard/overview/overview-view";

export const metadata = { title: "Overview · Helix" };

export default function OverviewPage() {
  return <OverviewView />;
}
