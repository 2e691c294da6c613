// Reversible placeholders for the `tokenize` action: <PERSON_1>, <EMAIL_ADDRESS_2>, … One map
// per request, shared by all its messages, so the same value gets the same placeholder
// everywhere and the model can refer to it consistently; the response is restored from it.
//
// The map holds raw PII: keep it in memory for the request's lifetime only. Never log it, never
// put it in a cache entry, never send it to a provider.

/** What a placeholder stands for. */
export interface TokenEntry {
  entityType: string;
  value: string;
  /** The placeholder as written into the prompt, e.g. "<PERSON_1>". */
  placeholder: string;
}

/**
 * Entity types become part of a placeholder, so they are reduced to the characters the restore
 * grammar accepts: upper-case letters, digits, underscores, a letter first.
 */
export function placeholderType(entityType: string): string {
  const t = entityType.toUpperCase().replace(/[^A-Z0-9_]/g, "_").slice(0, 64);
  return /^[A-Z]/.test(t) ? t : `E${t}`.slice(0, 64);
}

export class TokenMap {
  // "TYPE\0value" → body ("PERSON_1"), and body → entry. Bodies are upper case: restore
  // matches them case-insensitively.
  readonly #byValue = new Map<string, string>();
  readonly #byBody = new Map<string, TokenEntry>();
  readonly #next = new Map<string, number>();
  #version = 0;

  /**
   * The placeholder for `value` of `entityType`, created on first use. `taken` lets the caller
   * skip numbers whose placeholder already occurs in the text (a user who typed "<PERSON_1>"
   * must not have it restored to someone's name).
   */
  placeholderFor(entityType: string, value: string, taken?: (placeholder: string) => boolean): string {
    const type = placeholderType(entityType);
    const key = `${type}\u0000${value}`;
    const known = this.#byValue.get(key);
    if (known !== undefined) return `<${known}>`;
    let n = this.#next.get(type) ?? 1;
    while (this.#byBody.has(`${type}_${n}`) || taken?.(`<${type}_${n}>`)) n++;
    const body = `${type}_${n}`;
    this.#next.set(type, n + 1);
    this.#byValue.set(key, body);
    this.#byBody.set(body, { entityType, value, placeholder: `<${body}>` });
    this.#version++;
    return `<${body}>`;
  }

  /** The value behind a placeholder body ("PERSON_1", any case), or undefined. */
  valueOf(body: string): string | undefined {
    return this.#byBody.get(body.toUpperCase())?.value;
  }

  /** Upper-case bodies of every placeholder ("PERSON_1", …). */
  bodies(): IterableIterator<string> {
    return this.#byBody.keys();
  }

  get size(): number {
    return this.#byBody.size;
  }

  /** Changes whenever a placeholder is added (restorers rebuild their lookup tables). */
  get version(): number {
    return this.#version;
  }

  /** For handing the map to a worker. Contains raw values: see the note at the top. */
  toJSON(): TokenEntry[] {
    return [...this.#byBody.values()].map((e) => ({ ...e }));
  }

  static fromJSON(entries: readonly TokenEntry[]): TokenMap {
    const map = new TokenMap();
    for (const e of entries) {
      const body = e.placeholder.replace(/^<|>$/g, "").toUpperCase();
      const m = /^(.*)_([0-9]+)$/.exec(body);
      if (!m) throw new RangeError(`Not a placeholder: ${e.placeholder}`);
      map.#byValue.set(`${m[1]}\u0000${e.value}`, body);
      map.#byBody.set(body, { entityType: e.entityType, value: e.value, placeholder: `<${body}>` });
      map.#next.set(m[1], Math.max(map.#next.get(m[1]) ?? 1, Number(m[2]) + 1));
    }
    map.#version = map.#byBody.size;
    return map;
  }
}
