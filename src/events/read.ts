import { createHash } from "node:crypto";
import { InputError, readTextFile } from "../sources/files";
import { type EngineEvent, EngineEventSchema } from "./engine-event";

export interface EventLog {
  readonly file: string;
  readonly sha256: string;
  /** Events in sequence order. */
  readonly events: readonly EngineEvent[];
  /** Whether the last line was cut off: not valid JSON and not ended by a line break, as when the engine stopped while writing it. */
  readonly truncated: boolean;
}

/** Reads a Pulumi event log (newline-delimited JSON). Throws an InputError naming the line of the first bad event. */
export async function readEventLog(file: string): Promise<EventLog> {
  const { bytes, text } = await readTextFile(file, `Pulumi event log ${file}`);
  return { file, sha256: createHash("sha256").update(bytes).digest("hex"), ...parseEventLog(text, file) };
}

/** Parses the text of an event log. `file` names the log in errors. */
export function parseEventLog(text: string, file: string): { events: EngineEvent[]; truncated: boolean } {
  const events: EngineEvent[] = [];
  const lines = text.split(/\r?\n/);
  let truncated = false;
  // The engine numbers every event, so a line repeated word for word, as when logs are joined twice, is one event.
  const seen = new Set<string>();
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "" || seen.has(line)) {
      continue;
    }
    seen.add(line);
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      // The engine writes one event per line, so a log it stopped writing ends in part of a line. That log ended
      // early, and the events before it still count.
      if (index === lines.length - 1) {
        truncated = true;
        continue;
      }
      throw new InputError(`${file} line ${index + 1} is not valid JSON (${(error as Error).message}); is it the file pulumi preview --event-log wrote?`);
    }
    const parsed = EngineEventSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(event)"}: ${issue.message}`).join("; ");
      throw new InputError(`${file} line ${index + 1} is not a Pulumi engine event: ${problems}.`);
    }
    events.push(parsed.data);
  }
  return { events: events.sort((a, b) => a.sequence - b.sequence), truncated };
}
