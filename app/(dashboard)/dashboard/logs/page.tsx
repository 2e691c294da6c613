import { LogsView } from "@/components/dashboard/logs/logs-view";

export const metadata = { title: "Request log · Helix" };

export default function LogsPage() {
  return <LogsView />;
}
