import { CacheView } from "@/components/dashboard/cache/cache-view";

export const metadata = { title: "Cache · Helix" };

export default function CachePage() {
  return <CacheView />;
}
