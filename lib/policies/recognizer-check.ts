// The time-boxed ReDoS check of custom recognizer patterns, remembered per pattern: the dashboard
// validates a draft on every pause in typing, and each check costs a worker thread.
import "server-only";
import { validateCustomRecognizers, type CustomRecognizerError } from "@/lib/pii/custom";

const MAX_REMEMBERED = 500;
const slowPatterns = new Map<string, string | null>();

/** Errors of `entries` (schema, compile, empty match, catastrophic backtracking), slow checks cached. */
export async function checkCustomRecognizers(entries: unknown): Promise<CustomRecognizerError[]> {
  if (!Array.isArray(entries) || entries.length === 0) return [];
  const unknown = entries.filter((e) => typeof (e as { pattern?: unknown })?.pattern !== "string" || !slowPatterns.has((e as { pattern: string }).pattern));
  if (unknown.length === 0) {
    return entries.flatMap((e, index) => {
      const message = slowPatterns.get((e as { pattern: string }).pattern);
      const name = (e as { name?: string }).name;
      return message ? [{ index, name, field: "pattern", message: message.replace(/^custom_recognizers\[\d+\]( \("[^"]*"\))?/, `custom_recognizers[${index}]${name ? ` ("${name}")` : ""}`) }] : [];
    });
  }
  const errors = await validateCustomRecognizers(entries);
  if (slowPatterns.size > MAX_REMEMBERED) slowPatterns.clear();
  entries.forEach((e, index) => {
    const pattern = (e as { pattern?: unknown })?.pattern;
    if (typeof pattern !== "string") return;
    // Only a verdict on the pattern itself is remembered (not name or schema problems of the entry).
    const own = errors.find((x) => x.index === index && x.field === "pattern");
    const otherwise = errors.some((x) => x.index === index && x.field !== "pattern");
    if (!otherwise) slowPatterns.set(pattern, own?.message ?? null);
  });
  return errors;
}
