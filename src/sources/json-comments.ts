import { type ParseErrorCode, printParseErrorCode, visit } from "jsonc-parser";

/**
 * JSON with comments, as ARM templates may have them: Microsoft's page "Understand the structure and syntax of ARM
 * templates" writes a `/* … *\/` comment into its template outline. amlguard parses JSON with a YAML 1.2 parser
 * for its positions, and YAML reads such a comment as part of the next key (`/* note *\/ "requestSettings"`), so
 * the field would take Azure's default and could pass. jsonc-parser (the scanner of VS Code's JSON support)
 * finds the comments, and they are blanked before YAML reads the text.
 */

interface JsonScan {
  /** Offset and length of each comment. */
  readonly comments: readonly (readonly [number, number])[];
  readonly error?: { readonly code: ParseErrorCode; readonly offset: number };
}

// Trailing commas are accepted, as YAML accepts them in flow collections, because they change no value.
const JSONC_OPTIONS = { allowTrailingComma: true, disallowComments: false } as const;

function scanJson(text: string): JsonScan {
  const comments: [number, number][] = [];
  let error: JsonScan["error"];
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
    JSONC_OPTIONS,
  );
  return { comments, ...(error === undefined ? {} : { error }) };
}

/**
 * Returns the text with each comment's characters replaced by spaces, keeping its line breaks, so every offset,
 * line and column stays where it was. Text that does not start as JSON does, or that is not valid JSON with
 * comments, is returned unchanged: a YAML flow mapping such as `{model: azureml://m}` has no comment.
 */
export function blankJsonComments(text: string): string {
  if (!/^\s*[[{/]/.test(text) || !/\/[/*]/.test(text)) {
    return text;
  }
  const { comments, error } = scanJson(text);
  if (error !== undefined || comments.length === 0) {
    return text;
  }
  let blanked = "";
  let from = 0;
  for (const [offset, length] of comments) {
    blanked += text.slice(from, offset) + text.slice(offset, offset + length).replace(/[^\r\n]/g, " ");
    from = offset + length;
  }
  return blanked + text.slice(from);
}

/**
 * Returns why the text is not JSON (comments and trailing commas allowed), with the line and column, or
 * undefined when it is.
 */
export function jsonSyntaxError(text: string): string | undefined {
  const { error } = scanJson(text);
  if (error === undefined) {
    return undefined;
  }
  const before = text.slice(0, error.offset).split(/\r\n|\r|\n/);
  const problem = printParseErrorCode(error.code)
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
  return `${problem} at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}
