// MAC_ADDRESS: Presidio's MacAddressRecognizer — colon/hyphen pairs and Cisco dotted quads,
// score 0.6; mixed separators, the broadcast and the all-zero address are invalidated.
import { PatternRecognizer } from "../pattern-recognizer";

export function invalidateMac(match: string): boolean {
  // One separator kind only ("10:2F:33-AC-29-C3" is not an address).
  const separators = new Set(match.replace(/[0-9a-f]/gi, ""));
  if (separators.size > 1) return true;
  const cleaned = match.replace(/[:.-]/g, "").toUpperCase();
  if (!/^[0-9A-F]{12}$/.test(cleaned)) return true;
  // Broadcast and all-zero addresses identify no device.
  return cleaned === "FFFFFFFFFFFF" || cleaned === "000000000000";
}

export function macRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "MacAddressRecognizer",
    entity: "MAC_ADDRESS",
    patterns: [
      { name: "MAC_ADDRESS", regex: "\\b(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}\\b", score: 0.6 },
      { name: "MAC_CISCO", regex: "\\b[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}\\b", score: 0.6 },
    ],
    context: ["mac", "mac address", "hardware address", "physical address", "ethernet"],
    invalidate: invalidateMac,
    prefilter: /[0-9a-f]{2}[:.-][0-9a-f]{2}/i,
  });
}
