// The address of the TCP peer, as server.mjs stamps it on every request it hands to Next (it
// replaces whatever a client sent under the same name; "proxied" when a proxy forwarded it). Used
// where "on this machine" is the only credential: the admin API without MASTER_KEY and the
// first-run /setup page.
import { isIP } from "node:net";
import { env } from "@/lib/env";

export const PEER_HEADER = "x-helix-peer";

/**
 * True for a loopback peer (127.0.0.0/8, ::1, IPv4-mapped loopback) that no proxy forwarded.
 * Without the header the app is not behind server.mjs: in production (`next start`) nobody counts
 * as local; outside it (`next dev`, tests calling handlers) everyone does.
 */
export function isLoopbackPeer(headers: Headers): boolean {
  const peer = headers.get(PEER_HEADER);
  if (peer === null) return env().NODE_ENV !== "production";
  const addr = peer.trim().toLowerCase().replace(/^::ffff:/, "");
  if (addr === "::1") return true;
  return isIP(addr) === 4 && addr.startsWith("127.");
}
