import { describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { isLoopbackPeer, PEER_HEADER } from "./peer";

const h = (peer?: string) => new Headers(peer === undefined ? {} : { [PEER_HEADER]: peer });

describe("isLoopbackPeer", () => {
  it("accepts loopback addresses in every form", () => {
    for (const a of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1", "::FFFF:127.0.0.2"]) expect(isLoopbackPeer(h(a)), a).toBe(true);
  });

  it("refuses everything else, including an empty or garbled stamp", () => {
    for (const a of ["10.0.0.1", "192.168.1.2", "::ffff:10.0.0.1", "fe80::1", "2001:db8::1", "", "unknown", "127.0.0.1.evil", "localhost"]) {
      expect(isLoopbackPeer(h(a)), a).toBe(false);
    }
  });

  it("refuses a request a proxy forwarded, even over loopback", () => {
    expect(isLoopbackPeer(h("proxied"))).toBe(false);
  });

  it("counts a request not stamped by server.mjs as local outside production only (next dev, not next start)", () => {
    expect(isLoopbackPeer(h())).toBe(true); // vitest: NODE_ENV=test
    (process.env as Record<string, string>).NODE_ENV = "production";
    resetEnvForTests();
    try {
      expect(isLoopbackPeer(h())).toBe(false);
    } finally {
      (process.env as Record<string, string>).NODE_ENV = "test";
      resetEnvForTests();
    }
  });
});
