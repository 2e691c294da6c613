// A local stand-in for Langfuse's ingestion API (POST /api/public/ingestion, basic auth
// public:secret), recording every event it accepts, for tests of Helix's tracing.
import { createServer, type Server } from "node:http";

export interface IngestionEvent {
  id: string;
  type: string;
  timestamp: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests check event bodies field by field
  body: Record<string, any>;
}

export interface FakeLangfuse {
  url: string;
  events: IngestionEvent[];
  /** Requests refused for bad credentials. */
  unauthorized: number;
  close: () => Promise<void>;
}

export async function startFakeLangfuse(publicKey: string, secretKey: string): Promise<FakeLangfuse> {
  const expected = `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString("base64")}`;
  const state: FakeLangfuse = { url: "", events: [], unauthorized: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/api/public/ingestion") {
        res.writeHead(404).end();
        return;
      }
      if (req.headers.authorization !== expected) {
        state.unauthorized++;
        res.writeHead(401, { "content-type": "application/json" }).end('{"message":"unauthorized"}');
        return;
      }
      const batch = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { batch: IngestionEvent[] }).batch;
      state.events.push(...batch);
      res.writeHead(207, { "content-type": "application/json" }).end(JSON.stringify({ successes: batch.map((e) => ({ id: e.id, status: 201 })), errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  state.url = `http://127.0.0.1:${port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
