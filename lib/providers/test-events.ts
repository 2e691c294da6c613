// Test helper: a synthetic upstream SSE event sequence.
import type { SseEvent } from "./http";

export async function* sseEvents(list: Array<string | object | { event: string; data: object }>): AsyncGenerator<SseEvent> {
  for (const item of list) {
    if (typeof item === "string") yield { data: item, event: undefined, id: undefined };
    else if ("event" in item && "data" in item && typeof item.event === "string") {
      yield { event: item.event, data: JSON.stringify(item.data), id: undefined };
    } else yield { data: JSON.stringify(item), event: undefined, id: undefined };
  }
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
