// A JSONL file of rows a BatchWriter could not write before the process ended (the database down
// during a graceful shutdown), written again at the next start. Rows carry their ids and are
// inserted with ON CONFLICT (id) DO NOTHING, so a row replayed twice is harmless.
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

/** Appends rows, one JSON object a line, and syncs the file to disk before returning. Throws on I/O errors. */
export function appendSpool(file: string, rows: readonly object[]): void {
  if (rows.length === 0) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, "a", 0o600);
  try {
    writeSync(fd, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface ClaimedSpool {
  /** The file now holding the claimed rows; delete it (releaseSpool) once they are written. */
  file: string;
  rows: unknown[];
  /** Lines that were not a JSON object (a torn last line after a crash mid-write). */
  invalidLines: number;
}

/**
 * Takes the spooled rows for replay: the file is renamed to `<file>.replaying` first, so a
 * shutdown during the replay spools to a fresh file and two processes never both claim it. A
 * `.replaying` left by a process that stopped mid-replay is claimed again, with any newer rows.
 */
export function claimSpool(file: string): ClaimedSpool | undefined {
  const replaying = `${file}.replaying`;
  if (existsSync(file)) {
    if (existsSync(replaying)) {
      appendFileSync(replaying, readFileSync(file));
      rmSync(file, { force: true });
    } else {
      renameSync(file, replaying);
    }
  }
  if (!existsSync(replaying)) return undefined;
  const rows: unknown[] = [];
  let invalidLines = 0;
  for (const line of readFileSync(replaying, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const row: unknown = JSON.parse(line);
      if (row && typeof row === "object" && typeof (row as { id?: unknown }).id === "string") rows.push(row);
      else invalidLines++;
    } catch {
      invalidLines++;
    }
  }
  return { file: replaying, rows, invalidLines };
}

export function releaseSpool(file: string): void {
  rmSync(file, { force: true });
}
