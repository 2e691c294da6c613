// CRYPTO: Presidio's CryptoRecognizer — Bitcoin (base58check P2PKH/P2SH, bech32/bech32m) and
// Ethereum (EIP-55) addresses, score 0.5, validated to 1.0 or dropped.
import { PatternRecognizer } from "../pattern-recognizer";
import { base58Check, bech32Valid, eip55Valid } from "./checksums";

export function validateCrypto(match: string): boolean | undefined {
  if (match.startsWith("1") || match.startsWith("3")) return base58Check(match);
  if (match.toLowerCase().startsWith("bc1")) return bech32Valid(match);
  if (match.startsWith("0x")) {
    const hex = match.slice(2);
    // Presidio requires the EIP-55 mixed-case checksum and so drops every all-lower-case
    // address, the most common way they are written. Single-case has no checksum to verify:
    // keep it at the pattern score instead of dropping it (a deliberate recall gain).
    if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return undefined;
    return eip55Valid(match);
  }
  return false;
}

export function cryptoRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "CryptoRecognizer",
    entity: "CRYPTO",
    patterns: [
      { name: "Crypto Bitcoin (Medium)", regex: "(?:bc1|[13])[a-zA-HJ-NP-Z0-9]{25,59}", score: 0.5 },
      { name: "Crypto Ethereum EOA (Medium)", regex: "0x[a-f0-9]{40}", score: 0.5 },
    ],
    context: ["wallet", "btc", "bitcoin", "crypto", "eth", "ethereum"],
    validate: validateCrypto,
    prefilter: /[13]|0x/i,
  });
}
