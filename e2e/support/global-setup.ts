import { ensureBuild } from "../../scripts/lib/ensure-build";

export default function globalSetup() {
  ensureBuild();
}
