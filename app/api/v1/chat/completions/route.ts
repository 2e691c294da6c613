import { gatewayHandler } from "@/lib/gateway/handler";
import { methodNotAllowed } from "@/lib/http/not-routed";

export const dynamic = "force-dynamic";
export const POST = gatewayHandler("chat.completions");
export const GET = methodNotAllowed(["POST"]);
