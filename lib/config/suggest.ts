// "Did you mean" for config keys and enum values. Pure, so it can run in the browser with the schema.
import type { z } from "zod";

/** Keys people bring from other gateways' configs, with what to do instead. */
const FOREIGN_KEY_HINTS: Record<string, string> = {
  api_key: "keys are not written into the config: set api_key_env to the NAME of an environment variable holding the key",
  litellm_params: "put model, api_base and api_key_env directly on the model_list entry, and set provider",
  litellm_settings: "Helix settings live under helix_settings",
  general_settings: "Helix settings live under helix_settings (see helix_settings.general)",
  router_settings: "retries and timeouts live under helix_settings.gateway; fallbacks on each model_list entry",
};

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

const normalize = (s: string) => s.toLowerCase().replace(/[-_\s]/g, "");

/** The closest candidate to `input`, or undefined when nothing is close enough to be a typo. */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const n = normalize(input);
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const nc = normalize(c);
    if (nc === n) return c; // only case or separators differ (numRetries vs num_retries)
    const d = levenshtein(n, nc);
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  // Allow roughly one edit per three characters, so short keys need near matches.
  return best !== undefined && bestDist <= Math.max(1, Math.floor(n.length / 3)) ? best : undefined;
}

/** Message for an unknown key, naming the likely intended key or listing the allowed ones. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const hint = FOREIGN_KEY_HINTS[key];
  const guess = closestMatch(key, known);
  let msg = `unknown key "${key}"`;
  if (guess !== undefined) msg += `; did you mean "${guess}"?`;
  else if (hint !== undefined) msg += `: ${hint}`;
  else if (known.length > 0) msg += `; allowed keys: ${known.join(", ")}`;
  return msg;
}

// Just enough of zod's internal definition to walk wrappers; fields differ per schema type.
interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let guard = 0; guard < 50; guard++) {
    const d = defOf(s);
    if (d.innerType && ["default", "prefault", "optional", "nullable", "catch", "readonly", "nonoptional"].includes(d.type)) {
      s = d.innerType;
    } else if (d.type === "pipe" && d.in && d.out) {
      // .transform() is in→transform: the shape is in `in`; z.preprocess is transform→schema.
      s = defOf(d.in).type === "transform" ? d.out : d.in;
    } else {
      return s;
    }
  }
  return s;
}

/** The keys an object at `path` in `schema` accepts (undefined when that is not an object). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let s = unwrap(schema);
  for (const seg of path) {
    const d = defOf(s);
    const next =
      d.type === "object" ? d.shape?.[String(seg)] : d.type === "array" ? d.element : d.type === "record" ? d.valueType : undefined;
    if (!next) return undefined;
    s = unwrap(next);
  }
  const d = defOf(s);
  return d.type === "object" && d.shape ? Object.keys(d.shape) : undefined;
}
