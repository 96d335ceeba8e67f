import { InvalidArgumentError } from "commander";

export const OUTPUT_FORMATS = ["table", "json"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseFormat(value: string): OutputFormat {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${OUTPUT_FORMATS.join(", ")}.`);
  }
  return value as OutputFormat;
}

/** A person at a terminal gets a table; a pipe or a CI log gets JSON. */
export function defaultFormat(): OutputFormat {
  return process.stdout.isTTY ? "table" : "json";
}
