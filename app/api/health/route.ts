import { jsonRoute } from "@/lib/http/json-route";
import { liveness } from "@/lib/health/health";

export const dynamic = "force-dynamic";
export const GET = jsonRoute(async () => liveness());
