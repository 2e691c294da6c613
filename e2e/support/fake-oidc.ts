// A minimal OpenID Connect provider for tests: discovery, an authorize endpoint that approves at
// once as `user`, a token endpoint issuing RS256 id_tokens, and JWKS. No consent, no real checks.
import { createServer, type Server } from "node:http";
import { createSign, generateKeyPairSync, randomBytes } from "node:crypto";

export interface FakeOidc {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next sign-in is. */
  user: { sub: string; email: string; email_verified?: boolean; name?: string };
  close: () => Promise<void>;
}

const b64url = (v: Buffer | string) => Buffer.from(v).toString("base64url");

export async function startFakeOidc(): Promise<FakeOidc> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomBytes(4).toString("hex");
  const jwk = { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
  const codes = new Map<string, FakeOidc["user"]>();
  const state: FakeOidc = { issuer: "", clientId: "helix-test", clientSecret: "helix-test-secret", user: { sub: "u1", email: "someone@example.com", email_verified: true }, close: async () => {} };

  const sign = (claims: Record<string, unknown>) => {
    const head = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid }));
    const body = b64url(JSON.stringify(claims));
    const sig = createSign("RSA-SHA256").update(`${head}.${body}`).sign(privateKey);
    return `${head}.${body}.${b64url(sig)}`;
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", state.issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/.well-known/openid-configuration") {
      return json(200, {
        issuer: state.issuer,
        authorization_endpoint: `${state.issuer}/authorize`,
        token_endpoint: `${state.issuer}/token`,
        jwks_uri: `${state.issuer}/jwks`,
        userinfo_endpoint: `${state.issuer}/userinfo`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        code_challenge_methods_supported: ["S256"],
      });
    }
    if (url.pathname === "/jwks") return json(200, { keys: [jwk] });
    if (url.pathname === "/authorize") {
      const code = randomBytes(12).toString("hex");
      codes.set(code, { ...state.user });
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", code);
      const st = url.searchParams.get("state");
      if (st) back.searchParams.set("state", st);
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === "/token" && req.method === "POST") {
      let raw = "";
      req.on("data", (d) => (raw += d));
      req.on("end", () => {
        const user = codes.get(new URLSearchParams(raw).get("code") ?? "");
        if (!user) return json(400, { error: "invalid_grant" });
        const now = Math.floor(Date.now() / 1000);
        const idToken = sign({ iss: state.issuer, aud: state.clientId, iat: now, exp: now + 600, ...user });
        json(200, { access_token: randomBytes(8).toString("hex"), token_type: "Bearer", expires_in: 600, id_token: idToken });
      });
      return;
    }
    if (url.pathname === "/userinfo") return json(200, state.user);
    json(404, { error: "not_found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  state.issuer = `http://127.0.0.1:${port}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}
