"use client";
import type { ButtonHTMLAttributes } from "react";
import { useHydrated } from "./use-hydrated";

const VARIANTS = {
  primary: "bg-indigo-600 text-white hover:bg-indigo-500 disabled:bg-indigo-300",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400",
  danger: "bg-rose-600 text-white hover:bg-rose-500 disabled:bg-rose-300",
} as const;

/** A dashboard button; disabled until hydrated (a click before React attached its handler is lost). */
export function Button({ variant = "secondary", className = "", disabled, ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof VARIANTS }) {
  const hydrated = useHydrated();
  return (
    <button
      type="button"
      {...props}
      disabled={!hydrated || disabled}
      className={`rounded-md px-3 py-1.5 text-sm font-medium shadow-sm transition-colors disabled:cursor-not-allowed ${VARIANTS[variant]} ${className}`}
    />
  );
}
