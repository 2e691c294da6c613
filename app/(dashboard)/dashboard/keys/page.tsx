import { KeysView } from "@/components/dashboard/keys/keys-view";

export const metadata = { title: "Keys & teams · Helix" };

export default function KeysPage() {
  return <KeysView />;
}
