import { editDistance } from "../config/limits";
import { type Lookup, type PropertyAccess, isPlainObject } from "./property-access";

/**
 * Finds keys that a deployment tool or Azure may apply but that amlguard does not read where they are: a judged
 * field's key in another case or spelling, in the wrong object, or unknown to the source's schema. The field such
 * a key was likely meant for becomes invalid, because judging it at Azure's default could pass a value that
 * Azure applies.
 */

/** The keys of one source object that amlguard checks, as the source's schema spells them. */
export interface KeySchema {
  /** Keys amlguard reads here, each with the schema of its value when the value is an object amlguard reads into. */
  readonly judged: Readonly<Record<string, KeySchema | null>>;
  /** Spellings that other sources or versions use for a judged key, such as ARM's `requestTimeout` for `request_timeout_ms`. */
  readonly misspellings?: Readonly<Record<string, readonly string[]>>;
  /** Judged keys that fill the same field, such as `gpu` and `nvidia.com/gpu`, so a problem with one applies to the field of either. */
  readonly sameField?: Readonly<Record<string, readonly string[]>>;
  /** Keys the source's schema defines here that amlguard does not judge. */
  readonly others?: readonly string[];
  /** Whether the source's schema defines no other key here, so any other key is a problem. */
  readonly closed?: boolean;
}

/** The key matching of a source: loose for Azure ML CLI YAML, and only without regard to case for ARM JSON. */
export interface KeyMatching {
  /**
   * "loose" treats keys that differ in case, underscores or hyphens, or by a few letters, as the same key.
   * "case" treats only keys that differ in case as the same key, as Azure's JSON readers may.
   */
  readonly style: "loose" | "case";
  /** Names the schema in messages, such as "the Azure ML CLI deployment schema". */
  readonly schemaName: string;
}

/** A key that amlguard does not read where it is, and the fields it makes invalid. */
export interface KeyProblem {
  /** Paths of the fields, or of the objects whose every field, the key was likely meant for. */
  readonly targets: readonly string[];
  /** Path of the key as the source spells it. */
  readonly keyPath: string;
  readonly reason: string;
  /**
   * The value written under a key that was likely meant for a judged field, so that a message can show it. Absent
   * for a key of unknown meaning, a value not known yet, or a key cut for display, because the pack redacts a
   * secret by the finding's path, which must then be the key's own.
   */
  readonly value?: unknown;
}

const MAX_KEY_LENGTH = 80;

/** A schema object prepared for lookups by key, at its path. */
interface CompiledNode {
  readonly schema: KeySchema;
  readonly path: string;
  /** The judged key of each spelling this object accepts or expects, by normalized spelling. */
  readonly spellings: ReadonlyMap<string, string>;
  /** Normalized keys the schema defines here that amlguard does not judge. */
  readonly others: ReadonlySet<string>;
  /** The node of each judged key whose value is an object amlguard reads into. */
  readonly children: ReadonlyMap<string, CompiledNode | null>;
  /** Keys, as written, that an earlier check found to be no problem here (see rememberSound). */
  readonly sound: Set<string>;
}

interface CompiledSchema {
  readonly root: CompiledNode;
  /** Field paths of each judged key below the root, by normalized spelling, to find a key in the wrong object. */
  readonly placed: ReadonlyMap<string, readonly string[]>;
}

// Readers check every deployment with one of a few schemas, so each is prepared once per matching style.
const compiledSchemas = new WeakMap<KeySchema, Map<KeyMatching["style"], CompiledSchema>>();

/** Finds the key problems of the object that `root` looks up, which `schema` describes, with every path relative to it. */
export function findKeyProblems(root: Lookup, schema: KeySchema, access: PropertyAccess, matching: KeyMatching): KeyProblem[] {
  const compiled = compile(schema, matching.style);
  const problems: KeyProblem[] = [];

  const visit = (lookup: Lookup, node: CompiledNode): void => {
    if (lookup.kind !== "present" || !isPlainObject(lookup.value)) {
      return;
    }
    for (const key of Object.keys(lookup.value)) {
      const child = node.children.get(key);
      if (child !== undefined) {
        if (child !== null) {
          visit(access.get(lookup.value, key), child);
        }
        continue;
      }
      if (node.sound.has(key)) {
        continue;
      }
      const problem = classifyKey(key, node, compiled.placed, matching);
      if (problem === undefined) {
        rememberSound(node, key);
      } else {
        problems.push(problem.judged ? withWrittenValue(problem.problem, access.get(lookup.value, key), key) : problem.problem);
      }
    }
  };

  visit(root, compiled.root);
  return problems;
}

// Deployments of one program share their keys, most of them unjudged, such as `model`. A key's verdict depends only
// on the key and the node, so a node remembers up to 256 keys it found sound, each of at most 80 characters.
const MAX_SOUND_KEYS = 256;

function rememberSound(node: CompiledNode, key: string): void {
  if (node.sound.size < MAX_SOUND_KEYS && key.length <= MAX_KEY_LENGTH) {
    node.sound.add(key);
  }
}

/**
 * Adds the value written under a key that was likely meant for a judged field, whose value is a duration, count or
 * enum. A key of unknown meaning keeps its value out of messages, because it may hold anything.
 */
function withWrittenValue(problem: KeyProblem, written: Lookup, key: string): KeyProblem {
  return written.kind === "present" && key.length <= MAX_KEY_LENGTH ? { ...problem, value: written.value } : problem;
}

/**
 * Decides whether a key that the schema does not judge in `node` is a problem, and for which fields. `judged` is
 * true when the key was matched to a judged key, and false when it is only unknown in an object with a closed schema.
 */
function classifyKey(
  key: string,
  node: CompiledNode,
  placed: CompiledSchema["placed"],
  matching: KeyMatching,
): { readonly problem: KeyProblem; readonly judged: boolean } | undefined {
  const normalized = normalize(key, matching.style);
  if (node.others.has(normalized)) {
    return undefined;
  }
  // The pack checks every resource of a preview, and most keys are fine, so a path is spelled only for a problem.
  const objectName = node.path === "" ? "the deployment" : node.path;

  // The key in another spelling, in this object.
  const spelled = node.spellings.get(normalized);
  if (spelled !== undefined) {
    return { problem: { targets: targetsOf(node, spelled), keyPath: keyPathOf(node, key), reason: misspellingReason(spelled, objectName, matching) }, judged: true };
  }

  // A judged key of another object: one of this object would have matched above.
  const elsewhere = placed.get(normalized);
  if (elsewhere !== undefined) {
    return { problem: { targets: elsewhere, keyPath: keyPathOf(node, key), reason: `is in the wrong place: it belongs at ${listWords(elsewhere, "or")}` }, judged: true };
  }

  if (matching.style === "case") {
    return undefined;
  }
  // A likely typo: the nearest key of this object, unless that key is one amlguard does not judge.
  const nearest = nearestSpelling(normalized, [...node.spellings.keys(), ...node.others]);
  const nearestJudged = nearest === undefined ? undefined : node.spellings.get(nearest);
  if (nearestJudged !== undefined) {
    const reason = misspellingReason(nearestJudged, objectName, matching);
    return { problem: { targets: targetsOf(node, nearestJudged), keyPath: keyPathOf(node, key), reason }, judged: true };
  }
  if (node.schema.closed) {
    const keys = listWords(Object.keys(node.schema.judged), "and");
    const reason = `is not a key of ${objectName} in ${matching.schemaName}, whose keys there are ${keys}`;
    return { problem: { targets: [node.path], keyPath: keyPathOf(node, key), reason }, judged: false };
  }
  return undefined;
}

/**
 * Returns the spelling nearest to a normalized key, when it is near enough to be a likely typo: one edit for keys of
 * up to five letters, two up to twelve, three beyond. Short random keys are common, so they need a closer match.
 */
function nearestSpelling(word: string, spellings: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const spelling of spellings) {
    const allowed = typoAllowance(Math.min(word.length, spelling.length));
    // The length difference bounds the distance from below, which skips long hostile keys cheaply.
    if (Math.abs(word.length - spelling.length) > allowed) {
      continue;
    }
    const distance = editDistance(word, spelling);
    if (distance <= allowed && distance < bestDistance) {
      best = spelling;
      bestDistance = distance;
    }
  }
  return best;
}

/** Returns how many edits make a likely typo of a key of `length` letters. */
function typoAllowance(length: number): number {
  if (length <= 5) {
    return 1;
  }
  return length <= 12 ? 2 : 3;
}

function misspellingReason(judged: string, objectName: string, matching: KeyMatching): string {
  if (matching.style === "case") {
    return `differs from ${judged} only in case, and Azure may read it as ${judged}; rename it to ${judged}`;
  }
  return `is not a key of ${objectName} in ${matching.schemaName}; did you mean ${judged}?`;
}

function compile(schema: KeySchema, style: KeyMatching["style"]): CompiledSchema {
  let byStyle = compiledSchemas.get(schema);
  const known = byStyle?.get(style);
  if (known !== undefined) {
    return known;
  }
  if (byStyle === undefined) {
    byStyle = new Map();
    compiledSchemas.set(schema, byStyle);
  }

  const placed = new Map<string, string[]>();
  const compileNode = (node: KeySchema, path: string): CompiledNode => {
    const spellings = new Map<string, string>();
    const children = new Map<string, CompiledNode | null>();
    const compiled: CompiledNode = { schema: node, path, spellings, others: new Set((node.others ?? []).map((key) => normalize(key, style))), children, sound: new Set() };
    for (const [key, child] of Object.entries(node.judged)) {
      for (const spelling of [key, ...(node.misspellings?.[key] ?? [])]) {
        spellings.set(normalize(spelling, style), key);
        // The root's own keys are the containers of everything else, never a key misplaced elsewhere.
        if (path !== "") {
          placed.set(normalize(spelling, style), [...(placed.get(normalize(spelling, style)) ?? []), ...targetsOf(compiled, key)]);
        }
      }
      children.set(key, child === null ? null : compileNode(child, join(path, key)));
    }
    return compiled;
  };

  const result: CompiledSchema = { root: compileNode(schema, ""), placed };
  byStyle.set(style, result);
  return result;
}

function keyPathOf(node: CompiledNode, key: string): string {
  return join(node.path, displayKey(key));
}

function targetsOf(node: CompiledNode, key: string): string[] {
  return [key, ...(node.schema.sameField?.[key] ?? [])].map((same) => join(node.path, same));
}

// Upper case, because .NET's OrdinalIgnoreCase, which Azure's JSON readers may use, compares upper-cased letters:
// the dotless ı and the long ſ then match I and S, which lower-casing would miss.
function normalize(key: string, style: KeyMatching["style"]): string {
  const upper = key.toUpperCase();
  return style === "loose" ? upper.replace(/[_-]/g, "") : upper;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** Cuts a key to a length a message can show; a key is never a value, but a hostile file may make it long. */
function displayKey(key: string): string {
  return key.length > MAX_KEY_LENGTH ? `${key.slice(0, MAX_KEY_LENGTH - 1)}…` : key;
}

/** Joins words for a message: `a, b and c`. */
export function listWords(words: readonly string[], conjunction: "and" | "or"): string {
  if (words.length <= 1) {
    return words.join("");
  }
  return `${words.slice(0, -1).join(", ")} ${conjunction} ${words[words.length - 1]}`;
}
