import { type ParseErrorCode, printParseErrorCode, visit } from "jsonc-parser";

/**
 * JSON with comments, as ARM templates may have them: Microsoft's page "Understand the structure and syntax of ARM
 * templates" writes a `/* … *\/` comment into its template outline. amlguard parses JSON with a YAML 1.2 parser
 * for its positions, and YAML reads such a comment as part of the next key (`/* note *\/ "requestSettings"`), so
 * the field would take Azure's default and could pass. jsonc-parser (the scanner of VS Code's JSON support)
 * checks the JSON and finds the comments, which are blanked before YAML reads the text.
 */

/** Reports whether text starts as JSON does, with `{`, `[`, or a `//` or `/*` comment after any whitespace. */
export function startsAsJson(text: string): boolean {
  return /^\s*(?:[[{]|\/[/*])/.test(text);
}

/**
 * Reports whether a file must be JSON: a `.json` file, or a file not named `.yml` or `.yaml` that starts as JSON.
 * A YAML file that starts as JSON may be YAML in flow style, which is read as YAML when it is not JSON.
 */
export function mustBeJson(file: string, text: string): boolean {
  return /\.json$/i.test(file) || (!/\.ya?ml$/i.test(file) && startsAsJson(text));
}

interface JsonScan {
  /** Offset and length of each comment. */
  readonly comments: readonly (readonly [number, number])[];
  readonly error?: { readonly code: ParseErrorCode; readonly offset: number };
}

// Trailing commas are accepted, as YAML accepts them in flow collections, because they change no value.
const JSONC_OPTIONS = { allowTrailingComma: true, disallowComments: false } as const;
// Strict JSON: no comments and no trailing commas.
const STRICT_OPTIONS = { allowTrailingComma: false, disallowComments: true } as const;

/** Scans JSON text for its comments and its first syntax error, or returns why it cannot be scanned. */
function scanJson(text: string, options: typeof JSONC_OPTIONS | typeof STRICT_OPTIONS): JsonScan | { readonly problem: string } {
  const comments: [number, number][] = [];
  let error: JsonScan["error"];
  try {
    visit(
      text,
      {
        onComment: (offset, length) => {
          comments.push([offset, length]);
        },
        onError: (code, offset) => {
          error ??= { code, offset };
        },
      },
      options,
    );
  } catch (caught) {
    // jsonc-parser descends recursively, so a hostile file nested thousands of levels deep overflows the stack.
    if (caught instanceof RangeError) {
      return { problem: "it is nested too deeply" };
    }
    throw caught;
  }
  return { comments, ...(error === undefined ? {} : { error }) };
}

/**
 * Returns JSON text as YAML must see it to read the same values, keeping every offset, or why it is not JSON
 * (comments and trailing commas allowed), with the line and column. Each comment's characters become spaces, its
 * line breaks kept. A carriage return alone becomes a line feed: JSON reads it as whitespace, but the yaml package
 * keeps it inside the next key (`"\r  \"requestSettings\""`), which hides that key.
 */
export function jsonForYaml(text: string): { readonly text: string } | { readonly problem: string } {
  const scan = scanJson(text, JSONC_OPTIONS);
  if ("problem" in scan) {
    return scan;
  }
  const { comments, error } = scan;
  if (error !== undefined) {
    return { problem: syntaxProblem(text, error) };
  }
  let blanked = "";
  let from = 0;
  for (const [offset, length] of comments) {
    blanked += text.slice(from, offset) + text.slice(offset, offset + length).replace(/[^\r\n]/g, " ");
    from = offset + length;
  }
  return { text: (blanked + text.slice(from)).replace(/\r(?!\n)/g, "\n") };
}

/**
 * Returns where strict JSON text (no comments, no trailing commas) first breaks the syntax, with the line and
 * column, or undefined when it is valid. The Pulumi CLI reads a policy pack config file as strict JSON.
 */
export function strictJsonProblem(text: string): string | undefined {
  const scan = scanJson(text, STRICT_OPTIONS);
  if ("problem" in scan) {
    return scan.problem;
  }
  return scan.error === undefined ? undefined : syntaxProblem(text, scan.error);
}

// jsonc-parser reports an error inside a string at the string's first character; these find the character itself.
const IN_STRING_ERRORS: ReadonlyMap<string, RegExp> = new Map([
  ["InvalidCharacter", /[\u0000-\u001f]/],
  ["InvalidEscapeCharacter", /\\[^"\\/bfnrtu]/],
  ["InvalidUnicode", /\\u(?![0-9a-fA-F]{4})/],
]);

function errorOffset(text: string, error: NonNullable<JsonScan["error"]>): number {
  const pattern = IN_STRING_ERRORS.get(printParseErrorCode(error.code));
  const found = pattern === undefined ? -1 : text.slice(error.offset).search(pattern);
  return found === -1 ? error.offset : error.offset + found;
}

function syntaxProblem(text: string, error: NonNullable<JsonScan["error"]>): string {
  const before = text.slice(0, errorOffset(text, error)).split(/\r\n|\r|\n/);
  const problem = printParseErrorCode(error.code)
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
  return `${problem} at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}
