import "server-only";
import type { z } from "zod";
import { InvalidRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from "@/lib/errors";

/** Reads the body up to `limit` bytes; stops reading (413) as soon as it is exceeded. */
export async function readLimited(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLargeError(limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** `messages.0.content` → `messages[0].content`, the way OpenAI names params. */
function paramName(path: PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "");
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = paramName(issue.path);
  if (issue.code === "invalid_union" || issue.code === "invalid_union_discriminator" as string) {
    return where ? `Invalid value for '${where}': ${issue.message}.` : issue.message;
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return `Missing required parameter: '${where}'.`;
  }
  return where ? `Invalid value for '${where}': ${issue.message}.` : `${issue.message}.`;
}

/** Parses and validates a JSON body against `schema`; every failure is a 4xx naming what to fix. */
export async function readJsonBody<T>(request: Request, schema: z.ZodType<T>, limit: number): Promise<T> {
  const type = request.headers.get("content-type");
  if (type && !/^application\/(.+\+)?json\b/i.test(type) && !/^text\/plain\b/i.test(type)) {
    throw new UnsupportedMediaTypeError(type);
  }
  const text = await readLimited(request, limit);
  if (text.trim() === "") throw new InvalidRequestError("The request body is empty; send a JSON object.");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // V8's message quotes a piece of the body, which may hold personal data and ends up in
    // request logs: keep only where the error is.
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new InvalidRequestError(
      `We could not parse the JSON body of your request${at ? ` (error at position ${at})` : ""}. Send valid JSON.`,
      { code: "invalid_json" },
    );
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new InvalidRequestError("The request body must be a JSON object.", { code: "invalid_json" });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidRequestError(describeIssue(issue), { param: paramName(issue.path) || null, code: "invalid_value" });
  }
  return parsed.data;
}
