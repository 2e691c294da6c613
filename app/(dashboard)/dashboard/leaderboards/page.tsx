import { LeaderboardsView } from "@/components/dashboard/leaderboards/leaderboards-view";

export const metadata = { title: "Leaderboards · Helix" };

export default function LeaderboardsPage() {
  return <LeaderboardsView />;
}
