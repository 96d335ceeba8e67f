import { type Document, LineCounter, type Pair, type YAMLError, type YAMLMap, isAlias, isMap, isScalar, isSeq, parseAllDocuments } from "yaml";
import type { Locator, SourcePosition } from "../model/deployment";
import { withPyYamlScalars } from "./pyyaml-scalars";

/** A JSON or YAML document parsed with positions, so findings can point at a line and column. */
export interface PositionedDocument {
  readonly value: unknown;
  readonly locatorAt: (prefix: readonly (string | number)[]) => Locator;
}

export class DocumentSyntaxError extends Error {}

export interface ParseOptions {
  /**
   * The YAML version to read the text as. "1.2" (the default) reads every JSON document as JSON does. "1.1"
   * reads scalars and `<<` merge keys as PyYAML's `yaml.safe_load` does, whatever `%YAML` directive the text has,
   * because PyYAML reads every document as YAML 1.1.
   */
  readonly yamlVersion?: "1.1" | "1.2";
}

/** Parses JSON or YAML text that must contain exactly one document, such as a parameters or exemptions file. */
export function parsePositioned(text: string, options: ParseOptions = {}): PositionedDocument {
  const documents = parsePositionedAll(text, options);
  if (documents.length > 1) {
    throw new DocumentSyntaxError("contains several YAML documents separated by `---`, but it must contain exactly one; keep one document");
  }
  return documents[0];
}

/**
 * Parses JSON or YAML text into its documents: one for JSON, one or more for YAML separated by `---`. JSON is
 * parsed as YAML 1.2 by default, which accepts every JSON document. Documents with no content (a leading or
 * trailing `---`) are left out. Throws a DocumentSyntaxError when the text has a syntax error, a duplicated key,
 * a merge key whose value is not a mapping, no content at all, only null, or a single scalar where a mapping
 * or a list belongs.
 */
export function parsePositionedAll(text: string, options: ParseOptions = {}): PositionedDocument[] {
  const lineCounter = new LineCounter();
  const version = options.yamlVersion === "1.1" ? ({ version: "1.1", schema: "yaml-1.1", customTags: withPyYamlScalars } as const) : {};
  const source = options.yamlVersion === "1.1" ? withPyYamlLineBreaks(text) : text;
  const parsed = parseAllDocuments(source, { lineCounter, uniqueKeys: false, ...version });
  // An empty stream (no documents at all) is not an array.
  const documents: Document[] = Array.isArray(parsed) ? parsed : [];

  for (const document of documents) {
    if (document.errors.length > 0) {
      throw new DocumentSyntaxError(syntaxErrorMessage(document.errors[0]));
    }
    rejectDuplicateKeys(document, lineCounter);
    rejectKeysThatAreNotScalars(document, lineCounter);
    rejectInvalidMerges(document, lineCounter);
    if (options.yamlVersion === "1.1") {
      rejectTaggedMergeKeys(document, lineCounter);
    }
  }

  const withContent = documents.filter((document) => !isEmptyDocument(document));
  if (withContent.length === 0) {
    throw new DocumentSyntaxError("is empty: it has no content other than whitespace or comments");
  }

  return withContent.map((document, index) => {
    const value = toValue(document);
    const where = withContent.length > 1 ? ` (document ${index + 1})` : "";
    if (value === null) {
      throw new DocumentSyntaxError(`contains only null${where}, not a deployment`);
    }
    if (typeof value !== "object") {
      throw new DocumentSyntaxError(`contains a single ${typeof value} value${where}, not a JSON object, a JSON array or a YAML mapping`);
    }
    return {
      value,
      locatorAt: (prefix) => (path) => locate(document, lineCounter, [...prefix, ...path.split(".")]),
    };
  });
}

// PyYAML ends a line at a carriage return alone, U+0085, U+2028 and U+2029 as well; the yaml package ends one only
// at a line feed. Text after such a break would otherwise stay inside a comment and hide a key that the Azure ML CLI
// applies. Each is one UTF-16 unit, as the line feed that replaces it, so every offset stays where it was.
const PYYAML_ONLY_LINE_BREAKS = /\r(?!\n)|[\u0085\u2028\u2029]/g;

function withPyYamlLineBreaks(text: string): string {
  return text.replace(PYYAML_ONLY_LINE_BREAKS, "\n");
}

/** Reports whether the text has a line break that PyYAML recognizes and YAML 1.2 does not. */
export function hasPyYamlOnlyLineBreaks(text: string): boolean {
  return /\r(?!\n)|[\u0085\u2028\u2029]/.test(text);
}

/** Returns whether a document has no node at all, or only the empty scalar that a bare `---` leaves. */
function isEmptyDocument(document: Document): boolean {
  const contents = document.contents;
  return contents === null || (isScalar(contents) && contents.value === null && (contents.source === "" || contents.source === undefined));
}

function toValue(document: Document): unknown {
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // The yaml library throws a ReferenceError when aliases expand past maxAliasCount (a "billion laughs" file).
    if (error instanceof ReferenceError) {
      throw new DocumentSyntaxError("cannot be read: its aliases expand to too many nodes");
    }
    // Converting a document nested thousands of levels deep overflows the call stack.
    if (error instanceof RangeError) {
      throw new DocumentSyntaxError("cannot be read: it is nested too deeply");
    }
    throw error;
  }
}

/** Rewords a yaml library error: its messages end in " at line N, column M:" and may name the library's own API. */
function syntaxErrorMessage(error: YAMLError): string {
  const position = error.linePos?.[0];
  const where = position === undefined ? "" : ` at line ${position.line}, column ${position.col}`;
  const detail = error.message
    .split("\n")[0]
    .replace(/ at line \d+, column \d+:?$/, "")
    .replace(/:$/, "");
  return `cannot be parsed${where}: ${detail}`;
}

/**
 * Throws for the first mapping that has the same key twice. The parser keeps the last value, but a deployment
 * tool may keep the first, so the value amlguard would judge cannot be trusted. The walk uses its own
 * stack because hostile files nest thousands of levels deep.
 */
function rejectDuplicateKeys(document: Document, lineCounter: LineCounter): void {
  const pending: unknown[] = [document.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isMap(node)) {
      const seen = new Map<string, unknown>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const key = isMergeKey(pair.key) ? "<<" : String(pair.key.value);
          const first = seen.get(key);
          if (first !== undefined) {
            throw new DocumentSyntaxError(duplicateKeyMessage(key, positionOf(first, lineCounter), positionOf(pair.key, lineCounter)));
          }
          seen.set(key, pair.key);
        }
        pending.push(pair.value);
      }
    } else if (isSeq(node)) {
      // A loop, because spreading a sequence of a few hundred thousand items overflows the call stack.
      for (const item of node.items) {
        pending.push(item);
      }
    }
  }
}

function duplicateKeyMessage(key: string, first: SourcePosition | undefined, second: SourcePosition | undefined): string {
  const at = (position: SourcePosition | undefined) => (position === undefined ? "" : ` at line ${position.line}, column ${position.column}`);
  return `has the key "${key}" twice (first${at(first)}, again${at(second)}), so its value is ambiguous; keep one of them`;
}

/** Returns the position of the deepest node on `segments` that exists, so an absent field points at its parent. */
function locate(document: Document, lineCounter: LineCounter, segments: readonly (string | number)[]): SourcePosition | undefined {
  let node: unknown = document.contents;
  let position: SourcePosition | undefined = positionOf(node, lineCounter);

  for (const segment of segments) {
    if (isMap(node)) {
      const pair = findPair(document, node, String(segment));
      if (pair === undefined) {
        break;
      }
      position = positionOf(pair.key, lineCounter) ?? position;
      node = pair.value;
    } else if (isSeq(node) && Number.isInteger(Number(segment))) {
      node = node.items[Number(segment)];
      position = positionOf(node, lineCounter) ?? position;
    } else {
      break;
    }
  }
  return position;
}

function positionOf(node: unknown, lineCounter: LineCounter): SourcePosition | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (range === undefined) {
    return undefined;
  }
  const { line, col } = lineCounter.linePos(range[0]);
  return { line, column: col };
}

/** Returns whether a key is a `<<` merge key, which only the YAML 1.1 schema resolves, to a symbol. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === "symbol";
}

/**
 * Returns the mappings a merge key's value names: one mapping, or a list of them, each written in place or as
 * an alias. Returns undefined when the value is anything else, which PyYAML rejects too.
 */
function mergeSources(document: Document, value: unknown): YAMLMap[] | undefined {
  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(document) : node);
  const source = resolve(value);
  const candidates = isSeq(source) ? source.items.map(resolve) : [source];
  return candidates.every((candidate) => isMap(candidate)) ? (candidates as YAMLMap[]) : undefined;
}

const MERGE_TAG = "tag:yaml.org,2002:merge";

/**
 * Throws for a key that carries the merge tag explicitly (`!!merge tags:`), or a `<<` key with any explicit tag
 * (`!!str <<:`). PyYAML merges the first whatever its name and keeps the second as a literal key, and the yaml
 * package does the opposite, so a value hidden this way would reach the Azure ML CLI but not amlguard.
 */
function rejectTaggedMergeKeys(document: Document, lineCounter: LineCounter): void {
  forEachPair(document, ({ key }) => {
    if (isScalar(key) && key.tag !== undefined && (key.tag === MERGE_TAG || key.source === "<<")) {
      throw new DocumentSyntaxError(`has an explicitly tagged merge key${atPosition(key, lineCounter)}, which PyYAML and amlguard would read differently; write a plain "<<" key`);
    }
  });
}

/**
 * Throws for a key written as an alias (`*m :`) or as a mapping or list (`? {a: 1}`). PyYAML resolves an alias
 * key, so `*m` anchored on `<<` merges a mapping that the yaml package keeps under a literal key, and it rejects
 * a collection key that the yaml package turns into a string. No deployment file needs either.
 */
function rejectKeysThatAreNotScalars(document: Document, lineCounter: LineCounter): void {
  forEachPair(document, ({ key }) => {
    if (isAlias(key)) {
      throw new DocumentSyntaxError(`uses the alias *${key.source} as a key${atPosition(key, lineCounter)}, which PyYAML and amlguard read differently; write the key itself`);
    }
    if (isMap(key) || isSeq(key)) {
      throw new DocumentSyntaxError(`uses a mapping or a list as a key${atPosition(key, lineCounter)}; keys must be plain names`);
    }
  });
}

/** Throws for the first merge key whose value is not a mapping or a list of mappings. */
function rejectInvalidMerges(document: Document, lineCounter: LineCounter): void {
  forEachPair(document, (pair) => {
    if (isMergeKey(pair.key) && mergeSources(document, pair.value) === undefined) {
      throw new DocumentSyntaxError(`has a merge key "<<"${atPosition(pair.key, lineCounter)} whose value is not a mapping or a list of mappings, which YAML 1.1 requires`);
    }
  });
}

/** Calls `check` with each key-value pair of every mapping in the document, as written (aliases are not followed). */
function forEachPair(document: Document, check: (pair: Pair) => void): void {
  const pending: unknown[] = [document.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isMap(node)) {
      for (const pair of node.items) {
        check(pair);
        pending.push(pair.value);
      }
    } else if (isSeq(node)) {
      // A loop, because spreading a sequence of a few hundred thousand items overflows the call stack.
      for (const item of node.items) {
        pending.push(item);
      }
    }
  }
}

function atPosition(node: unknown, lineCounter: LineCounter): string {
  const position = positionOf(node, lineCounter);
  return position === undefined ? "" : ` at line ${position.line}, column ${position.column}`;
}

/**
 * Finds the pair of `key` in a mapping, or in the mappings it merges with `<<`, in the order YAML 1.1 applies
 * them: the mapping's own keys first, then each merged mapping in turn. `visited` stops a mapping that merges
 * itself through an alias.
 */
function findPair(document: Document, map: YAMLMap, key: string, visited = new Set<YAMLMap>()): Pair | undefined {
  visited.add(map);
  const own = map.items.find((item) => !isMergeKey(item.key) && isScalar(item.key) && String(item.key.value) === key);
  if (own !== undefined) {
    return own;
  }
  for (const item of map.items) {
    if (!isMergeKey(item.key)) {
      continue;
    }
    for (const source of mergeSources(document, item.value) ?? []) {
      const pair = visited.has(source) ? undefined : findPair(document, source, key, visited);
      if (pair !== undefined) {
        return pair;
      }
    }
  }
  return undefined;
}
