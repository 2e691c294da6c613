// Chart colours (Tailwind 600s), in the order series are given them.
export const PALETTE = ["#4f46e5", "#059669", "#d97706", "#e11d48", "#0891b2", "#7c3aed", "#65a30d", "#db2777", "#475569", "#ea580c"] as const;

export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length];
}
