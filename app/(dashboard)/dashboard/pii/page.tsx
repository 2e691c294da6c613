import { PiiView } from "@/components/dashboard/pii/pii-view";

export const metadata = { title: "PII incidents · Helix" };

export default function PiiPage() {
  return <PiiView />;
}
