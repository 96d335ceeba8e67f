import type { ProbeKind } from "../model/deployment";

export const PROBE_KINDS: readonly ProbeKind[] = ["liveness", "readiness", "startup"];

/** Names a probe in a message: `Liveness probe`. */
export function probeLabel(kind: ProbeKind): string {
  return `${kind[0].toUpperCase()}${kind.slice(1)} probe`;
}
