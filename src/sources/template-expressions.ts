import { type Lookup, type PropertyAccess, isPlainObject, plainAccess } from "./property-access";

/**
 * The ARM template expressions amlguard evaluates: parameters(), variables(), concat() and format(), with the
 * string and integer literals they take, and property and index access on their results (`.timeout`,
 * `['timeout']`, `[0]`), and copyIndex() inside a resource's copy loop. Anything else is unknown, and the reason
 * names the expression.
 */

export type Evaluation = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/** One copy of a resource copy loop: the loop's `copy.name` and the copy's zero-based index. */
export interface CopyIteration {
  readonly loopName: string | undefined;
  readonly index: number;
}

// Parameters and variables may refer to each other; a deeper chain is treated as a cycle.
const MAX_REFERENCE_DEPTH = 16;

/** Evaluates the small subset of ARM template expressions that configuration values use in practice. */
export class TemplateEvaluator {
  private readonly parameters: Record<string, unknown>;
  private readonly variables: Record<string, unknown>;

  /** `copy` binds copyIndex() in the expressions this evaluator reads, as for one copy of a resource. */
  constructor(
    private readonly template: Record<string, unknown>,
    private readonly parameterValues: ReadonlyMap<string, Evaluation>,
    private readonly copy?: CopyIteration,
  ) {
    this.parameters = isPlainObject(template.parameters) ? template.parameters : {};
    this.variables = isPlainObject(template.variables) ? template.variables : {};
  }

  /** Returns an evaluator of the same template that reads copyIndex() as the index of `copy`. */
  withCopyIteration(copy: CopyIteration): TemplateEvaluator {
    return new TemplateEvaluator(this.template, this.parameterValues, copy);
  }

  /** Property access that evaluates each value it returns. */
  access(): PropertyAccess {
    return {
      get: (container, key): Lookup => {
        const lookup = plainAccess.get(container, key);
        if (lookup.kind !== "present") {
          return lookup;
        }
        const evaluated = this.resolve(lookup.value);
        if (!evaluated.ok) {
          return { kind: "unknown", reason: evaluated.reason };
        }
        return evaluated.value === null || evaluated.value === undefined ? { kind: "absent" } : { kind: "present", value: evaluated.value };
      },
    };
  }

  /** Evaluates a JSON value: a string in brackets is an expression, and a leading `[[` escapes a literal bracket. */
  resolve(value: unknown): Evaluation {
    return this.resolveIn(value, 0, this.copy);
  }

  /**
   * Evaluates a value at a reference depth. `copy` is undefined for the values of parameters and variables,
   * because Resource Manager evaluates those outside any resource, where copyIndex() has no loop.
   */
  private resolveIn(value: unknown, depth: number, copy: CopyIteration | undefined): Evaluation {
    if (typeof value !== "string" || !value.startsWith("[")) {
      return { ok: true, value };
    }
    // NOTE: Microsoft documents `[[` only for a literal that also ends in `]` ("[[a]" is "[a]"). A string that
    // starts with `[[` and does not end in `]` is read the same way, so "[[PT5M" is "[PT5M", which no rule
    // accepts as a duration either way.
    if (value.startsWith("[[")) {
      return { ok: true, value: value.slice(1) };
    }
    if (!value.endsWith("]")) {
      return { ok: true, value };
    }
    if (depth > MAX_REFERENCE_DEPTH) {
      return { ok: false, reason: `template expression ${value} refers to parameters or variables in a cycle` };
    }

    const parsed = parseExpression(value.slice(1, -1));
    if (parsed === undefined) {
      return { ok: false, reason: `template expression ${value} cannot be parsed` };
    }
    const result = this.evaluate(parsed, depth, copy);
    return result.ok ? result : { ok: false, reason: `template expression ${value}: ${result.reason}` };
  }

  private evaluate(node: ExpressionNode, depth: number, copy: CopyIteration | undefined): Evaluation {
    if (node.kind === "literal") {
      return { ok: true, value: node.value };
    }
    if (node.kind === "member") {
      return this.member(node, depth, copy);
    }

    const args: unknown[] = [];
    for (const argument of node.args) {
      const evaluated = this.evaluate(argument, depth, copy);
      if (!evaluated.ok) {
        return evaluated;
      }
      args.push(evaluated.value);
    }

    switch (node.name.toLowerCase()) {
      case "parameters":
        return this.parameter(args[0], depth);
      case "variables":
        return this.variable(args[0], depth);
      case "concat":
        return args.every((arg) => typeof arg === "string" || typeof arg === "number")
          ? { ok: true, value: args.join("") }
          : { ok: false, reason: "concat() of values other than strings is not evaluated" };
      case "format":
        return typeof args[0] === "string"
          ? { ok: true, value: args[0].replace(/\{(\d+)\}/g, (_, index: string) => String(args[Number(index) + 1] ?? "")) }
          : { ok: false, reason: "format() needs a string as its first argument" };
      case "copyindex":
        return copyIndex(args, copy);
      default:
        return { ok: false, reason: `amlguard does not evaluate ${node.name}(), so the value is not known until deployment` };
    }
  }

  /**
   * Evaluates `target.name`, `target['name']` or `target[0]`. A member that is itself an expression, such as a
   * variable object's property, is evaluated in turn.
   */
  private member(node: MemberNode, depth: number, copy: CopyIteration | undefined): Evaluation {
    const target = this.evaluate(node.target, depth, copy);
    if (!target.ok) {
      return target;
    }
    const key = this.evaluate(node.key, depth, copy);
    if (!key.ok) {
      return key;
    }

    if (Array.isArray(target.value) && typeof key.value === "number") {
      if (!Number.isInteger(key.value) || key.value < 0 || key.value >= target.value.length) {
        return { ok: false, reason: `index ${key.value} is outside an array of ${target.value.length} items` };
      }
      return this.resolveIn(target.value[key.value], depth + 1, undefined);
    }
    if (isPlainObject(target.value) && typeof key.value === "string") {
      return this.property(target.value, key.value, depth);
    }
    return { ok: false, reason: `${describeMember(key.value)} cannot be read from ${describeValue(target.value)}` };
  }

  // Microsoft documents template functions and their arguments as case-insensitive, but does not state whether
  // property names are. A name that matches one property in another case is read as that property, because if ARM
  // compares names exactly, the deployment fails instead of deploying the value. Several matches leave it unknown.
  private property(object: Record<string, unknown>, name: string, depth: number): Evaluation {
    const matches = Object.keys(object).filter((key) => key.toLowerCase() === name.toLowerCase());
    if (matches.length === 0) {
      return { ok: false, reason: `the object has no property '${name}'` };
    }
    if (matches.length > 1) {
      return { ok: false, reason: `the object has several properties named '${name}' in different cases (${matches.join(", ")})` };
    }
    return this.resolveIn(object[matches[0]], depth + 1, undefined);
  }

  private parameter(name: unknown, depth: number): Evaluation {
    if (typeof name !== "string") {
      return { ok: false, reason: "parameters() needs a parameter name" };
    }
    const declaration = Object.entries(this.parameters).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
    // A secureString or secureObject holds a secret, and a value amlguard reads may be echoed in a report.
    if (isPlainObject(declaration) && typeof declaration.type === "string" && /^secure(string|object)$/i.test(declaration.type)) {
      return { ok: false, reason: `parameter '${name}' is a ${declaration.type}, whose value amlguard does not read` };
    }
    const passed = this.parameterValues.get(name.toLowerCase());
    if (passed !== undefined) {
      return passed;
    }
    if (!isPlainObject(declaration)) {
      return { ok: false, reason: `parameter '${name}' is not declared in the template` };
    }
    if (!("defaultValue" in declaration)) {
      return { ok: false, reason: `parameter '${name}' has no defaultValue, and no parameters file gives it a value` };
    }
    return this.resolveIn(declaration.defaultValue, depth + 1, undefined);
  }

  private variable(name: unknown, depth: number): Evaluation {
    if (typeof name !== "string") {
      return { ok: false, reason: "variables() needs a variable name" };
    }
    const entry = Object.entries(this.variables).find(([key]) => key.toLowerCase() === name.toLowerCase());
    if (entry === undefined) {
      return { ok: false, reason: `variable '${name}' is not declared in the template` };
    }
    return this.resolveIn(entry[1], depth + 1, undefined);
  }
}

/**
 * Evaluates `copyIndex()`, `copyIndex(offset)`, `copyIndex('loopName')` or `copyIndex('loopName', offset)` for
 * one copy of a resource loop. A loop name matches in any case, as template function arguments do.
 */
function copyIndex(args: readonly unknown[], copy: CopyIteration | undefined): Evaluation {
  const loopName = typeof args[0] === "string" ? args[0] : undefined;
  const offsets = loopName === undefined ? args : args.slice(1);
  if (offsets.length > 1) {
    return { ok: false, reason: "copyIndex() takes at most a loop name and an offset" };
  }
  const offset = offsets[0] ?? 0;
  if (typeof offset !== "number" || !Number.isInteger(offset)) {
    return { ok: false, reason: "copyIndex() needs an integer offset" };
  }
  if (copy === undefined) {
    return { ok: false, reason: "copyIndex() is used outside a resource copy loop, where it has no index" };
  }
  if (loopName !== undefined && loopName.toLowerCase() !== copy.loopName?.toLowerCase()) {
    const own = copy.loopName === undefined ? "a loop without a name" : `'${copy.loopName}'`;
    return { ok: false, reason: `copyIndex('${loopName}') names a loop other than the resource's copy loop, ${own}` };
  }
  return { ok: true, value: copy.index + offset };
}

interface MemberNode {
  readonly kind: "member";
  readonly target: ExpressionNode;
  readonly key: ExpressionNode;
}

type ExpressionNode =
  | { readonly kind: "literal"; readonly value: string | number | boolean }
  | { readonly kind: "call"; readonly name: string; readonly args: readonly ExpressionNode[] }
  | MemberNode;

function describeMember(key: unknown): string {
  return typeof key === "string" ? `property '${key}'` : `index ${String(key)}`;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) {
    return "an array";
  }
  return value === null ? "null" : `a value of type ${typeof value}`;
}

/**
 * Parses function calls with string, integer and nested-call arguments, each call optionally followed by
 * property and index access: `concat(parameters('a'), '/x')`, `parameters('settings').probes[0]`. Anything else
 * returns undefined, so the value stays unknown.
 */
function parseExpression(text: string): ExpressionNode | undefined {
  let position = 0;
  const skipSpace = () => {
    while (position < text.length && /\s/.test(text[position])) {
      position++;
    }
  };

  const parseNode = (): ExpressionNode | undefined => {
    skipSpace();
    if (text[position] === "'") {
      let value = "";
      position++;
      while (position < text.length) {
        if (text[position] === "'" && text[position + 1] === "'") {
          value += "'";
          position += 2;
        } else if (text[position] === "'") {
          position++;
          return { kind: "literal", value };
        } else {
          value += text[position++];
        }
      }
      return undefined;
    }

    const number = /^-?\d+/.exec(text.slice(position));
    if (number !== null) {
      position += number[0].length;
      return { kind: "literal", value: Number(number[0]) };
    }

    const name = /^[A-Za-z_][\w.]*/.exec(text.slice(position));
    if (name === null) {
      return undefined;
    }
    position += name[0].length;
    skipSpace();
    if (text[position] !== "(") {
      return undefined;
    }
    position++;

    const args: ExpressionNode[] = [];
    skipSpace();
    if (text[position] === ")") {
      position++;
      return parseAccessors({ kind: "call", name: name[0], args });
    }
    for (;;) {
      const argument = parseNode();
      if (argument === undefined) {
        return undefined;
      }
      args.push(argument);
      skipSpace();
      if (text[position] === ",") {
        position++;
        continue;
      }
      if (text[position] === ")") {
        position++;
        return parseAccessors({ kind: "call", name: name[0], args });
      }
      return undefined;
    }
  };

  // Reads the `.name`, `['name']` and `[0]` accessors that follow a call, left to right.
  const parseAccessors = (call: ExpressionNode): ExpressionNode | undefined => {
    let node = call;
    for (;;) {
      skipSpace();
      if (text[position] === ".") {
        position++;
        skipSpace();
        const property = /^[A-Za-z_$][\w$]*/.exec(text.slice(position));
        if (property === null) {
          return undefined;
        }
        position += property[0].length;
        node = { kind: "member", target: node, key: { kind: "literal", value: property[0] } };
      } else if (text[position] === "[") {
        position++;
        const key = parseNode();
        skipSpace();
        if (key === undefined || text[position] !== "]") {
          return undefined;
        }
        position++;
        node = { kind: "member", target: node, key };
      } else {
        return node;
      }
    }
  };

  const node = parseNode();
  skipSpace();
  return position === text.length ? node : undefined;
}
