import { jsonRoute } from "@/lib/http/json-route";
import { readiness } from "@/lib/health/health";

export const dynamic = "force-dynamic";
export const GET = jsonRoute(() => readiness());
