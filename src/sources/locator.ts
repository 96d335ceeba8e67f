import { type Document, LineCounter, isMap, isScalar, isSeq, parseDocument } from "yaml";
import type { Locator, SourcePosition } from "../model/deployment";

/** A JSON or YAML document parsed with positions, so findings can point at a line and column. */
export interface PositionedDocument {
  readonly value: unknown;
  readonly locatorAt: (prefix: readonly (string | number)[]) => Locator;
}

export class DocumentSyntaxError extends Error {}

/** Parses JSON or YAML text. JSON is parsed as YAML 1.2, which accepts every JSON document. */
export function parsePositioned(text: string): PositionedDocument {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: false });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    const position = first.linePos?.[0];
    const where = position === undefined ? "" : ` at line ${position.line}, column ${position.col}`;
    throw new DocumentSyntaxError(`cannot be parsed${where}: ${first.message.split("\n")[0]}`);
  }

  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // The yaml library throws a ReferenceError when aliases expand past maxAliasCount (a "billion laughs" file).
    throw new DocumentSyntaxError(`cannot be read: ${(error as Error).message.split("\n")[0]}`);
  }
  return {
    value,
    locatorAt: (prefix) => (path) => locate(document, lineCounter, [...prefix, ...path.split(".")]),
  };
}

/** Returns the position of the deepest node on `segments` that exists, so an absent field points at its parent. */
function locate(document: Document, lineCounter: LineCounter, segments: readonly (string | number)[]): SourcePosition | undefined {
  let node: unknown = document.contents;
  let position: SourcePosition | undefined = positionOf(node, lineCounter);

  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
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
