// GET /helix/users: the API users (keys' owners) with their team and active key count; read-only.
import "server-only";
import { requireAdmin } from "@/lib/auth/caller";
import { listAllApiUsers } from "@/lib/store/api-users";

export async function listApiUsersResponse(request: Request) {
  await requireAdmin(request, { read: true });
  const users = await listAllApiUsers();
  return {
    object: "list",
    data: users.map((u) => ({
      id: u.id,
      external_id: u.externalId,
      email: u.email,
      name: u.name,
      team_id: u.teamId,
      team: u.team,
      org: u.org,
      key_count: u.keyCount,
      created_at: u.createdAt.toISOString(),
    })),
  };
}
