import { unknownEndpoint } from "@/lib/http/not-routed";

export const dynamic = "force-dynamic";
export { unknownEndpoint as GET, unknownEndpoint as POST, unknownEndpoint as PUT, unknownEndpoint as PATCH, unknownEndpoint as DELETE };
