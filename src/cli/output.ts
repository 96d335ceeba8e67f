import { InvalidArgumentError } from "commander";

export const OUTPUT_FORMATS = ["table", "json"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseFormat(value: string): OutputFormat {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${OUTPUT_FORMATS.join(", ")}.`);
  }
  return value as OutputFormat;
}

/** Returns the format for stdout: a table for a person at a terminal, JSON for a pipe or a CI log. */
export function defaultFormat(): OutputFormat {
  return process.stdout.isTTY ? "table" : "json";
}
