// A fake Redis Stack for tests, speaking RESP2 over TCP so the real ioredis client (and its reply
// decoding) is exercised. Redis Stack cannot run on this machine, so the store is tested against
// this: it records every command exactly as sent, and answers with the reply shapes and error
// texts RediSearch 2.8 (Redis Stack 7.2) uses —
//   FT.SEARCH (DIALECT 2)      [total, key, [field, value, …], …]; NOCONTENT: [total, key, …]
//   FT.INFO                    flat [name, value, …] with index_definition/attributes sub-arrays,
//                              counters as bulk strings ("num_docs", "3")
//   FT._LIST                   [name, …]
//   MODULE LIST                [[name, search, ver, 20811, path, …, args, []]]
//   errors                     "Unknown index name", "<index>: no such index", "Index already
//                              exists", and a plain Redis' "ERR unknown command 'FT._LIST', …"
// Only the query forms Helix sends are understood; anything else is answered with an error, which
// is itself an assertion on the exact form of what the store sends.
import net from "node:net";
import { fromFloat32Blob } from "../vector-codec";

type Reply = string | number | Buffer | null | ReplyError | Simple | Reply[];
class ReplyError {
  constructor(readonly message: string) {}
}
class Simple {
  constructor(readonly value: string) {}
}

interface Field {
  name: string;
  type: "TAG" | "NUMERIC" | "VECTOR";
  caseSensitive?: boolean;
  separator?: string;
  dim?: number;
}
interface Index {
  name: string;
  prefixes: string[];
  fields: Field[];
}

export interface FakeRediSearchOptions {
  /** false: a plain Redis 7 without modules (FT.* unknown). */
  search?: boolean;
  /** RediSearch version reported by MODULE LIST, e.g. 20811 for 2.8.11. */
  version?: number;
}

export class FakeRediSearch {
  /** Every command received, arguments as sent (Buffers), in order. */
  readonly received: Buffer[][] = [];
  private readonly hashes = new Map<string, Map<string, Buffer>>();
  private readonly expiry = new Map<string, number>();
  private readonly indexes = new Map<string, Index>();
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly opts: FakeRediSearchOptions = {}) {}

  async start(): Promise<string> {
    this.server = net.createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as net.AddressInfo;
    return `redis://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Commands as text (binary arguments shown as <N bytes>), without the connection handshake. */
  commands(): string[][] {
    return this.received
      // Command names are case-insensitive (ioredis sends "multi"); arguments are kept exactly.
      .map((args) => args.map((a, i) => (i === 0 ? a.toString().toUpperCase() : isText(a) ? a.toString("utf8") : `<${a.length} bytes>`)))
      .filter((c) => !["CLIENT", "INFO", "SELECT", "PING", "QUIT", "HELLO"].includes(c[0]));
  }

  clearLog(): void {
    this.received.length = 0;
  }

  /** Test helper: a stored hash, as Redis would return HGETALL. */
  hash(key: string): Map<string, Buffer> | undefined {
    return this.live(key);
  }

  ttlAt(key: string): number | undefined {
    return this.expiry.get(key);
  }

  // ---- protocol ------------------------------------------------------------------------------

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => {});
    let buf = Buffer.alloc(0);
    let multi: Buffer[][] | undefined;
    socket.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const parsed = parseCommand(buf);
        if (!parsed) break;
        buf = buf.subarray(parsed.used);
        const args = parsed.args;
        this.received.push(args);
        const name = args[0].toString().toUpperCase();
        let reply: Reply;
        if (name === "MULTI") {
          multi = [];
          reply = new Simple("OK");
        } else if (name === "EXEC") {
          const queued = multi ?? [];
          multi = undefined;
          reply = queued.map((c) => this.execute(c));
        } else if (multi) {
          multi.push(args);
          reply = new Simple("QUEUED");
        } else {
          reply = this.execute(args);
        }
        socket.write(encode(reply));
        if (name === "QUIT") socket.end();
      }
    });
  }

  private execute(args: Buffer[]): Reply {
    const name = args[0].toString().toUpperCase();
    const s = (i: number) => args[i]?.toString("utf8") ?? "";
    const search = this.opts.search !== false;
    if (name.startsWith("FT.") && !search) {
      const rest = args.slice(1, 3).map((a) => `'${a.toString()}' `).join("");
      return new ReplyError(`ERR unknown command '${args[0].toString()}', with args beginning with: ${rest}`);
    }
    switch (name) {
      case "PING":
        return new Simple("PONG");
      case "HELLO":
        // This fake speaks RESP2 only (select.ts connects with protocol 2); a Redis 5 answers so too.
        return new ReplyError("NOPROTO unsupported protocol version");
      case "INFO":
        return "# Server\r\nredis_version:7.2.4\r\n# Persistence\r\nloading:0\r\n";
      case "CLIENT":
      case "SELECT":
      case "QUIT":
        return new Simple("OK");
      case "MODULE":
        if (s(1).toUpperCase() !== "LIST") return new ReplyError("ERR unknown subcommand");
        return search ? [["name", "search", "ver", this.opts.version ?? 20811, "path", "/opt/redis-stack/lib/redisearch.so", "args", []]] : [];
      case "DEL":
      case "UNLINK":
        return args.slice(1).reduce((n, k) => n + (this.remove(k.toString()) ? 1 : 0), 0);
      case "HSET": {
        const key = s(1);
        const h = this.live(key) ?? new Map<string, Buffer>();
        let added = 0;
        for (let i = 2; i + 1 < args.length; i += 2) {
          if (!h.has(s(i))) added++;
          h.set(s(i), args[i + 1]);
        }
        this.hashes.set(key, h);
        return added;
      }
      case "HMGET": {
        const h = this.live(s(1));
        return args.slice(2).map((f) => h?.get(f.toString()) ?? null);
      }
      case "PEXPIREAT": {
        const key = s(1);
        if (!this.live(key)) return 0;
        const at = Number(s(2));
        if (at <= Date.now()) this.remove(key);
        else this.expiry.set(key, at);
        return 1;
      }
      case "FT._LIST":
        return [...this.indexes.keys()];
      case "FT.CREATE":
        return this.ftCreate(args.slice(1).map((a) => a.toString()));
      case "FT.INFO": {
        const index = this.indexes.get(s(1));
        return index ? this.ftInfo(index) : new ReplyError("Unknown index name");
      }
      case "FT.DROPINDEX":
        return this.indexes.delete(s(1)) ? new Simple("OK") : new ReplyError("Unknown Index name");
      case "FT.SEARCH":
        return this.ftSearch(args);
      default:
        return new ReplyError(`ERR unknown command '${args[0].toString()}', with args beginning with: `);
    }
  }

  private live(key: string): Map<string, Buffer> | undefined {
    const at = this.expiry.get(key);
    if (at !== undefined && at <= Date.now()) this.remove(key);
    return this.hashes.get(key);
  }

  private remove(key: string): boolean {
    this.expiry.delete(key);
    return this.hashes.delete(key);
  }

  // FT.CREATE idx ON HASH PREFIX n p… SCHEMA field TYPE [opts] …
  private ftCreate(a: string[]): Reply {
    const [name] = a;
    if (this.indexes.has(name)) return new ReplyError("Index already exists");
    let i = 1;
    const prefixes: string[] = [];
    if (a[i]?.toUpperCase() === "ON") {
      if (a[i + 1]?.toUpperCase() !== "HASH") return new ReplyError("only HASH in this fake");
      i += 2;
    }
    if (a[i]?.toUpperCase() === "PREFIX") {
      const n = Number(a[i + 1]);
      prefixes.push(...a.slice(i + 2, i + 2 + n));
      i += 2 + n;
    }
    if (a[i]?.toUpperCase() !== "SCHEMA") return new ReplyError(`Unknown argument \`${a[i]}\``);
    i++;
    const fields: Field[] = [];
    while (i < a.length) {
      const fname = a[i];
      const type = a[i + 1]?.toUpperCase();
      i += 2;
      if (type === "TAG") {
        const f: Field = { name: fname, type: "TAG", separator: "," };
        for (;;) {
          const opt = a[i]?.toUpperCase();
          if (opt === "CASESENSITIVE") {
            f.caseSensitive = true;
            i++;
          } else if (opt === "SEPARATOR") {
            f.separator = a[i + 1];
            i += 2;
          } else break;
        }
        fields.push(f);
      } else if (type === "NUMERIC") {
        fields.push({ name: fname, type: "NUMERIC" });
      } else if (type === "VECTOR") {
        const algo = a[i]?.toUpperCase();
        const n = Number(a[i + 1]);
        if ((algo !== "HNSW" && algo !== "FLAT") || !Number.isInteger(n) || n % 2) return new ReplyError("Bad arguments for vector similarity algorithm");
        const params = new Map<string, string>();
        for (let j = 0; j < n; j += 2) params.set(a[i + 2 + j].toUpperCase(), a[i + 3 + j]);
        i += 2 + n;
        if (params.get("TYPE") !== "FLOAT32" || !params.has("DIM") || !params.has("DISTANCE_METRIC")) {
          return new ReplyError("Missing mandatory parameter: cannot create HNSW index without specifying TYPE, DIM and DISTANCE_METRIC");
        }
        if (params.get("DISTANCE_METRIC") !== "COSINE") return new ReplyError("only COSINE in this fake");
        fields.push({ name: fname, type: "VECTOR", dim: Number(params.get("DIM")) });
      } else {
        return new ReplyError(`Invalid field type for field \`${fname}\``);
      }
    }
    this.indexes.set(name, { name, prefixes, fields });
    return new Simple("OK");
  }

  private docs(index: Index): string[] {
    return [...this.hashes.keys()].filter((k) => index.prefixes.some((p) => k.startsWith(p)) && this.live(k));
  }

  private ftInfo(index: Index): Reply {
    const n = this.docs(index).length;
    return [
      "index_name", index.name,
      "index_options", [],
      "index_definition", ["key_type", "HASH", "prefixes", index.prefixes, "default_score", "1"],
      "attributes", index.fields.map((f): Reply => {
        const base: Reply[] = ["identifier", f.name, "attribute", f.name, "type", f.type];
        if (f.type === "TAG") return [...base, "SEPARATOR", f.separator ?? ",", ...(f.caseSensitive ? ["CASESENSITIVE"] : [])];
        if (f.type === "VECTOR") return [...base, "algorithm", "HNSW", "data_type", "FLOAT32", "dim", f.dim ?? 0, "distance_metric", "COSINE", "M", 16, "ef_construction", 200];
        return base;
      }),
      "num_docs", String(n),
      "max_doc_id", String(n),
      "num_terms", "0",
      "num_records", String(n * 3),
      "inverted_sz_mb", "0.000102996826171875",
      "vector_index_sz_mb", "0.0235595703125",
      "total_inverted_index_blocks", String(n),
      "offset_vectors_sz_mb", "0",
      "doc_table_size_mb", "0.000156402587890625",
      "sortable_values_size_mb", "0",
      "key_table_size_mb", "8.0108642578125e-5",
      "indexing", "0",
      "percent_indexed", "1",
      "number_of_uses", 1,
      "cleaning", 0,
    ];
  }

  // FT.SEARCH idx query [NOCONTENT] [RETURN n f…] [SORTBY f [ASC|DESC]] [LIMIT off num] [PARAMS n k v…] [DIALECT d]
  private ftSearch(args: Buffer[]): Reply {
    const indexNameArg = args[1].toString();
    const index = this.indexes.get(indexNameArg);
    if (!index) return new ReplyError(`${indexNameArg}: no such index`);
    const query = args[2].toString();
    let noContent = false;
    let ret: string[] | undefined;
    let sortBy: string | undefined;
    let offset = 0;
    let num = 10;
    let dialect = 1;
    const params = new Map<string, Buffer>();
    for (let i = 3; i < args.length; ) {
      const opt = args[i].toString().toUpperCase();
      if (opt === "NOCONTENT") {
        noContent = true;
        i++;
      } else if (opt === "RETURN") {
        const n = Number(args[i + 1]);
        ret = args.slice(i + 2, i + 2 + n).map(String);
        i += 2 + n;
      } else if (opt === "SORTBY") {
        sortBy = args[i + 1].toString();
        i += 2;
        if (["ASC", "DESC"].includes(args[i]?.toString().toUpperCase())) i++;
      } else if (opt === "LIMIT") {
        offset = Number(args[i + 1]);
        num = Number(args[i + 2]);
        i += 3;
      } else if (opt === "PARAMS") {
        const n = Number(args[i + 1]);
        for (let j = 0; j < n; j += 2) params.set(args[i + 2 + j].toString(), args[i + 3 + j]);
        i += 2 + n;
      } else if (opt === "DIALECT") {
        dialect = Number(args[i + 1]);
        i += 2;
      } else return new ReplyError(`Unknown argument \`${args[i].toString()}\` at position ${i - 1}`);
    }

    let filter = query;
    let knn: { k: number; field: string; param: string; alias: string } | undefined;
    const m = /^\((.*)\)=>\[KNN (\d+) @(\w+) \$(\w+) AS (\w+)\]$/.exec(query);
    if (query.includes("=>[")) {
      if (dialect < 2) return new ReplyError("Syntax error at offset 1 near KNN");
      if (!m) return new ReplyError(`Syntax error: this fake knows only "(<filter>)=>[KNN k @field $param AS alias]", got ${query}`);
      filter = m[1];
      knn = { k: Number(m[2]), field: m[3], param: m[4], alias: m[5] };
    }
    const clauses = parseFilter(filter);
    if (clauses instanceof ReplyError) return clauses;

    let keys = this.docs(index).filter((key) => clauses.every((c) => matches(index, this.live(key)!, c)));
    const scores = new Map<string, number>();
    if (knn) {
      const field = index.fields.find((f) => f.name === knn.field && f.type === "VECTOR");
      if (!field) return new ReplyError(`Unknown field \`${knn.field}\``);
      const blob = params.get(knn.param);
      if (!blob) return new ReplyError(`No such parameter \`${knn.param}\``);
      if (blob.length !== field.dim! * 4) {
        return new ReplyError(`Error parsing vector similarity query: query vector blob size (${blob.length}) does not match index's expected size (${field.dim! * 4}).`);
      }
      const q = fromFloat32Blob(blob);
      for (const key of keys) {
        const v = this.live(key)!.get(knn.field);
        if (!v || v.length !== blob.length) continue; // RediSearch skips (and counts) bad vectors
        scores.set(key, cosineDistance(q, fromFloat32Blob(v)));
      }
      keys = [...scores.keys()].sort((a, b) => scores.get(a)! - scores.get(b)!).slice(0, knn.k);
    }
    if (sortBy && knn && sortBy !== knn.alias) return new ReplyError(`Property \`${sortBy}\` not loaded nor in schema`);
    const total = keys.length;
    const page = keys.slice(offset, offset + num);
    const out: Reply[] = [total];
    for (const key of page) {
      out.push(key);
      if (noContent) continue;
      const h = this.live(key)!;
      const names = ret ?? [...h.keys(), ...(knn ? [knn.alias] : [])];
      const fields: Reply[] = [];
      for (const f of names) {
        if (knn && f === knn.alias) fields.push(f, formatScore(scores.get(key)!));
        else if (h.has(f)) fields.push(f, h.get(f)!);
      }
      out.push(fields);
    }
    return out;
  }
}

type Clause = { kind: "tag"; field: string; value: string } | { kind: "range"; field: string; min: number; minExclusive: boolean; max: number };

// `*`, or space-separated `@f:{escaped}` / `@f:[(min max]` clauses (ANDed).
function parseFilter(filter: string): Clause[] | ReplyError {
  const out: Clause[] = [];
  let i = 0;
  const text = filter.trim();
  if (text === "*") return out;
  while (i < text.length) {
    if (text[i] === " ") {
      i++;
      continue;
    }
    const head = /^@(\w+):/.exec(text.slice(i));
    if (!head) return new ReplyError(`Syntax error at offset ${i} near ${text.slice(i, i + 10)}`);
    const field = head[1];
    i += head[0].length;
    if (text[i] === "{") {
      let value = "";
      i++;
      while (i < text.length && text[i] !== "}") {
        if (text[i] === "\\") i++;
        else if (/[\s,|]/.test(text[i])) return new ReplyError(`fake: unescaped '${text[i]}' in a TAG query`);
        value += text[i++];
      }
      if (text[i] !== "}") return new ReplyError("Syntax error: unterminated tag");
      i++;
      out.push({ kind: "tag", field, value });
    } else if (text[i] === "[") {
      const end = text.indexOf("]", i);
      const [lo, hi] = text.slice(i + 1, end).split(" ");
      const minExclusive = lo.startsWith("(");
      const parse = (x: string) => (x === "+inf" ? Infinity : x === "-inf" ? -Infinity : Number(x.replace("(", "")));
      out.push({ kind: "range", field, min: parse(lo), minExclusive, max: parse(hi) });
      i = end + 1;
    } else return new ReplyError(`Syntax error at offset ${i}`);
  }
  return out;
}

function matches(index: Index, h: Map<string, Buffer>, c: Clause): boolean {
  const field = index.fields.find((f) => f.name === c.field);
  const raw = h.get(c.field)?.toString("utf8");
  if (!field || raw === undefined) return false;
  if (c.kind === "tag") {
    if (field.type !== "TAG") return false;
    const norm = (s: string) => (field.caseSensitive ? s : s.toLowerCase());
    return raw.split(field.separator ?? ",").map((t) => norm(t.trim())).includes(norm(c.value));
  }
  const n = Number(raw);
  return (c.minExclusive ? n > c.min : n >= c.min) && n <= c.max;
}

function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return 1 - dot / Math.sqrt(na * nb);
}

// RediSearch prints scores with printf("%.12g").
function formatScore(x: number): string {
  if (x === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 12) {
    const [mant, e] = x.toExponential(11).split("e");
    const m = mant.replace(/\.?0+$/, "");
    const en = Number(e);
    return `${m}e${en < 0 ? "-" : "+"}${String(Math.abs(en)).padStart(2, "0")}`;
  }
  return String(Number(x.toPrecision(12)));
}

function isText(b: Buffer): boolean {
  const text = b.toString("utf8");
  return Buffer.from(text, "utf8").equals(b) && !/[\u0000-\u0008\u000e-\u001f]/.test(text);
}

function parseCommand(buf: Buffer): { args: Buffer[]; used: number } | undefined {
  if (buf.length === 0) return undefined;
  if (buf[0] !== 0x2a) {
    // Inline command (redis-cli style).
    const nl = buf.indexOf("\r\n");
    if (nl < 0) return undefined;
    return { args: buf.subarray(0, nl).toString().split(" ").filter(Boolean).map((s) => Buffer.from(s)), used: nl + 2 };
  }
  let pos = 0;
  const line = (): string | undefined => {
    const nl = buf.indexOf("\r\n", pos);
    if (nl < 0) return undefined;
    const l = buf.subarray(pos, nl).toString();
    pos = nl + 2;
    return l;
  };
  const head = line();
  if (head === undefined) return undefined;
  const n = Number(head.slice(1));
  const args: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const len = line();
    if (len === undefined) return undefined;
    const size = Number(len.slice(1));
    if (buf.length < pos + size + 2) return undefined;
    args.push(Buffer.from(buf.subarray(pos, pos + size)));
    pos += size + 2;
  }
  return { args, used: pos };
}

function encode(r: Reply): Buffer {
  if (r === null) return Buffer.from("$-1\r\n");
  if (r instanceof ReplyError) return Buffer.from(`-${r.message}\r\n`);
  if (r instanceof Simple) return Buffer.from(`+${r.value}\r\n`);
  if (typeof r === "number") return Buffer.from(`:${r}\r\n`);
  if (typeof r === "string" || Buffer.isBuffer(r)) {
    const b = Buffer.isBuffer(r) ? r : Buffer.from(r);
    return Buffer.concat([Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n")]);
  }
  return Buffer.concat([Buffer.from(`*${r.length}\r\n`), ...r.map(encode)]);
}
