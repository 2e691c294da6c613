// Start-up: the first dashboard admin from ADMIN_EMAIL / ADMIN_PASSWORD when no user exists yet
// (once: later changes to the variables do not touch existing accounts), else a pointer to /setup.
import "server-only";
import { env } from "@/lib/env";
import { logger } from "@/lib/observability/logger";
import { dashboardUsers } from "@/lib/store/dashboard-users";
import { secretIsGenerated } from "./auth-secret";
import { setupToken } from "./setup-token";

export async function bootstrapDashboardAdmin(): Promise<void> {
  const e = env();
  const log = logger();
  const users = dashboardUsers();
  if (e.ADMIN_EMAIL && e.ADMIN_PASSWORD) {
    const created = await users.createFirstAdmin({ email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD });
    if (created) log.info({ email: created.email }, "dashboard admin created from ADMIN_EMAIL");
  } else if (e.ADMIN_EMAIL || e.ADMIN_PASSWORD) {
    log.warn("Set both ADMIN_EMAIL and ADMIN_PASSWORD to create the first dashboard admin; only one is set.");
  }
  if ((await users.count()) === 0) {
    // The token is the credential for /setup from another machine until the first admin exists.
    log.warn(
      { setup_path: `/setup?token=${setupToken()}` },
      "No dashboard user exists yet: open /setup in a browser to create the first admin (from another machine, the setup_path below, with its token), or set ADMIN_EMAIL and ADMIN_PASSWORD.",
    );
  }
  if (e.DATABASE_URL && secretIsGenerated()) {
    log.warn("NEXTAUTH_SECRET is not set: dashboard sessions are signed with a secret kept in HELIX_DATA_DIR. Give every instance sharing this database the same NEXTAUTH_SECRET.");
  }
}
