import type { KeyProblem, KeySchema } from "./key-check";
import { isPlainObject } from "./property-access";
import type { TemplateEvaluator } from "./template-expressions";

/**
 * Reads the copy loops of ARM template resources (learn.microsoft.com, "Resource iteration in ARM templates" and
 * "Property iteration in ARM templates"). A resource copy loop deploys `count` instances of the resource. `mode`
 * and `batchSize` only order the instances, so they do not change what is deployed and are not read.
 */

/** The maximum count of a copy loop that Resource Manager accepts. */
export const MAX_COPY_COUNT = 800;

/** The copy loop of one template resource, or why amlguard cannot tell how many instances it deploys. */
export type CopyLoop =
  | { readonly kind: "none" }
  | { readonly kind: "loop"; readonly loopName: string | undefined; readonly count: number }
  | { readonly kind: "not-read"; readonly reason: string };

/** Reads a resource's `copy` element and evaluates its count. The reasons complete a sentence about the resource. */
export function readCopyLoop(evaluator: TemplateEvaluator, resource: Record<string, unknown>): CopyLoop {
  const variant = Object.keys(resource).find((key) => key !== "copy" && key.toLowerCase() === "copy");
  if (variant !== undefined) {
    return { kind: "not-read", reason: `spells its copy key "${variant}", which Resource Manager may read as "copy"; spell it "copy"` };
  }
  if (!("copy" in resource)) {
    return { kind: "none" };
  }
  const copy = resource.copy;
  if (!isPlainObject(copy)) {
    return { kind: "not-read", reason: 'has a copy element that is not an object, so amlguard cannot tell how many instances it deploys; write it as { "name": …, "count": … }' };
  }
  const keyVariant = Object.keys(copy).find((key) => !["name", "count"].includes(key) && ["name", "count"].includes(key.toLowerCase()));
  if (keyVariant !== undefined) {
    return { kind: "not-read", reason: `spells copy.${keyVariant}, which Resource Manager may read in either case; spell it "${keyVariant.toLowerCase()}"` };
  }
  if (!("count" in copy)) {
    return { kind: "not-read", reason: "has a copy loop without a count, which Resource Manager requires; set copy.count" };
  }

  const count = evaluator.resolve(copy.count);
  if (!count.ok) {
    return {
      kind: "not-read",
      reason:
        `has a copy loop whose count cannot be evaluated (${count.reason}), so amlguard cannot tell which instances it deploys; ` +
        "set copy.count with a literal, a parameter or a variable, and give the parameter a value or pass it with --parameters",
    };
  }
  if (typeof count.value !== "number" || !Number.isInteger(count.value)) {
    return { kind: "not-read", reason: `has a copy loop whose count ${JSON.stringify(count.value)} is not an integer, which Resource Manager rejects; set copy.count to 0 to ${MAX_COPY_COUNT}` };
  }
  if (count.value < 0) {
    return { kind: "not-read", reason: `has a copy loop whose count is ${count.value}, and Resource Manager rejects a negative count; set copy.count to 0 to ${MAX_COPY_COUNT}` };
  }
  if (count.value > MAX_COPY_COUNT) {
    return {
      kind: "not-read",
      reason: `has a copy loop whose count is ${count.value}, above the maximum of ${MAX_COPY_COUNT} that Resource Manager accepts, so it rejects the template; set copy.count to ${MAX_COPY_COUNT} or less`,
    };
  }
  const loopName = evaluator.resolve(copy.name);
  return { kind: "loop", loopName: loopName.ok && typeof loopName.value === "string" ? loopName.value : undefined, count: count.value };
}

/**
 * Finds property copy loops (`copy` arrays) in the objects of a deployment body that amlguard reads. Resource
 * Manager replaces such a loop with an array property named by the loop, which amlguard does not build, so the
 * judged field that the loop may set becomes invalid instead of being judged at Azure's default. A loop that builds
 * a property amlguard does not judge is no problem. `schema` describes the object at `path`, which is empty for
 * the resource itself.
 */
export function findPropertyCopyLoops(value: unknown, schema: KeySchema, path: string, evaluator: TemplateEvaluator): KeyProblem[] {
  if (!isPlainObject(value)) {
    return [];
  }
  const judgedKey = (name: string): string | undefined => Object.keys(schema.judged).find((key) => key.toLowerCase() === name.toLowerCase());
  const problems: KeyProblem[] = [];

  for (const [key, child] of Object.entries(value)) {
    if (key.toLowerCase() === "copy" && Array.isArray(child)) {
      child.forEach((entry, index) => {
        const problem = propertyCopyProblem(entry, `${joinPath(path, key)}[${index}]`, path, judgedKey, evaluator);
        if (problem !== undefined) {
          problems.push(problem);
        }
      });
      continue;
    }
    const judged = judgedKey(key);
    const childSchema = judged === undefined ? null : schema.judged[judged];
    if (judged !== undefined && childSchema !== null) {
      problems.push(...findPropertyCopyLoops(child, childSchema, joinPath(path, judged), evaluator));
    }
  }
  return problems;
}

function propertyCopyProblem(
  entry: unknown,
  keyPath: string,
  objectPath: string,
  judgedKey: (name: string) => string | undefined,
  evaluator: TemplateEvaluator,
): KeyProblem | undefined {
  const name = isPlainObject(entry) ? evaluator.resolve(entry.name) : undefined;
  if (name?.ok !== true || typeof name.value !== "string") {
    return {
      targets: [objectPath],
      keyPath,
      reason: `is a property copy loop without a name amlguard can read, so it may build any property of ${objectPath}; set the properties without a copy loop`,
    };
  }
  const judged = judgedKey(name.value);
  if (judged === undefined) {
    return undefined;
  }
  const target = joinPath(objectPath, judged);
  return {
    targets: [target],
    keyPath,
    reason: `is a property copy loop that builds ${target} as an array, which amlguard does not read; set ${target} without a copy loop`,
  };
}

function joinPath(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}
