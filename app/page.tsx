import { Welcome } from "@/components/setup/welcome";
import { setupStatus } from "@/lib/setup/status";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  return <Welcome items={await setupStatus()} />;
}
