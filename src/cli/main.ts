#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { ConfigError } from "../config/limits";
import { EXIT_CODES } from "../findings/report";
import { TOOL_VERSION } from "../version";
import { registerAudit } from "./commands/audit";
import { registerCheck } from "./commands/check";
import { registerReport } from "./commands/report";
import { registerRules } from "./commands/rules";
import { writeError } from "./stderr";

/** Builds the command line. Each command sets process.exitCode; errors it cannot handle reach `main`. */
export function buildProgram(): Command {
  const program = new Command("amlguard")
    .description("Organization limits for Azure Machine Learning online deployments.")
    .version(TOOL_VERSION)
    .exitOverride()
    // Commander's own errors and help end in a line break already; an error of ours may not, so add one where missing.
    .configureOutput({ writeErr: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`) });

  registerCheck(program);
  registerReport(program);
  registerRules(program);
  registerAudit(program);
  return program;
}

/**
 * Runs the command line and returns its exit code. Commands report their code through process.exitCode, which is
 * cleared again before returning, so a caller that runs the CLI in-process (a test runner) keeps its own exit code.
 */
export async function main(argv: readonly string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    if (error instanceof ConfigError) {
      writeError(error.message);
      return EXIT_CODES.usage;
    }
    throw error;
  } finally {
    process.exitCode = undefined;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      writeError(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = EXIT_CODES.usage;
    },
  );
}
