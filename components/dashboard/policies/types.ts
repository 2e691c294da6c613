// The GET /helix/policies response, as the page uses it.
import type { PolicySection, PolicySettings } from "@/lib/policies/overlay";

export interface PolicyIssue {
  path: string;
  message: string;
}

export interface PolicyHistoryEntry {
  version: number;
  created_by: string;
  created_at: string;
  comment: string | null;
  changed: string[];
}

export interface PolicyDoc {
  object: "policy";
  version: number;
  created_by: string | null;
  created_at: string | null;
  comment: string | null;
  applied_version: number;
  settings: PolicySettings;
  effective: Record<PolicySection, Record<string, unknown>>;
  file: Record<PolicySection, Record<string, unknown>>;
  diff_vs_file: Array<{ path: string; file: unknown; effective: unknown }>;
  problems: PolicyIssue[];
  fields: Record<PolicySection, string[]>;
  known_entities: string[];
  history: PolicyHistoryEntry[];
  can_edit: boolean;
}

export interface PiiTestResult {
  object: "pii.test";
  enabled: boolean;
  text: string;
  entities: string[];
  findings: Array<{ entity_type: string; start: number; end: number; score: number; recognizer: string; action: string }>;
  blocked: string[];
}
