"use server";
// The first-run setup form's action: creates the first admin while no dashboard user exists.
// Next.js checks that a server action's Origin matches the host (its CSRF protection).
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { dashboardUsers } from "@/lib/store/dashboard-users";
import { setupAllowed } from "./setup-token";

export interface SetupFormState {
  error?: string;
  /** What was typed, to fill the form again after an error (React resets it after the action). */
  email?: string;
  name?: string;
}

const SetupSchema = z
  .object({
    email: z.email("Enter a valid email address.").max(320),
    name: z.string().trim().max(200).optional(),
    password: z.string().min(8, "The password needs at least 8 characters.").max(1024),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { message: "The passwords do not match.", path: ["confirm"] });

export async function createFirstAdminAction(_prev: SetupFormState, form: FormData): Promise<SetupFormState> {
  const field = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const parsed = SetupSchema.safeParse({ email: field("email").trim(), name: field("name") || undefined, password: field("password"), confirm: field("confirm") });
  const typed = { email: field("email"), name: field("name") };
  if (!setupAllowed(await headers(), field("token") || undefined)) {
    return { error: "Open /setup on the machine Helix runs on, or with the token from Helix's start-up log.", ...typed };
  }
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Check the form.", ...typed };
  const user = await dashboardUsers().createFirstAdmin({ email: parsed.data.email, name: parsed.data.name, password: parsed.data.password });
  if (!user) return { error: "An admin already exists. Sign in instead.", ...typed };
  redirect("/login?setup=done");
}
