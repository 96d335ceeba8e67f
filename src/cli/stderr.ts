import { escapePlainText } from "../reporters/plain-text";

/**
 * Writes an error or notice to stderr as `amlguard: MESSAGE`, ending in exactly one line break. Control characters,
 * and bidirectional marks from names or paths in the message show as `\uXXXX`. The line breaks of a message
 * that lists several problems stay, so callers escape a name that may hold one where they insert it.
 */
export function writeError(message: string, stream: NodeJS.WritableStream = process.stderr): void {
  const lines = message.replace(/\r\n/g, "\n").replace(/\n+$/, "").split("\n").map(escapePlainText);
  stream.write(`amlguard: ${lines.join("\n")}\n`);
}
