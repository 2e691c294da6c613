"use client";
import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

/**
 * False during server rendering and until React has hydrated this tree: a control rendered by the
 * server but clicked before its handler is attached would do nothing, so it stays disabled until then.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}
