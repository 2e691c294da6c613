import { gatewayHandler } from "@/lib/gateway/handler";

export const dynamic = "force-dynamic";
export const POST = gatewayHandler("chat.completions");
