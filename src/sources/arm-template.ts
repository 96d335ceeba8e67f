import type { ResourceRef } from "../model/deployment";
import { applyKeyProblems } from "./apply-key-problems";
import { armResourceKeys } from "./arm-key-schema";
import { UnsupportedDeploymentError, readDeploymentBody } from "./deployment-body";
import type { PositionedDocument } from "./locator";
import { isPlainObject } from "./property-access";
import type { SourceItem } from "./source-item";
import { findPropertyCopyLoops, readCopyLoop } from "./template-copy-loops";
import { type Evaluation, TemplateEvaluator } from "./template-expressions";

/**
 * Reads ARM templates (deploymentTemplate.json) that declare
 * `Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments`, at the top level or as child
 * resources whose type is relative to the parent (`deployments` under an online endpoint), and the same inside
 * the inline templates of nested `Microsoft.Resources/deployments`. A value that is wholly a template expression
 * is evaluated when it uses only parameters(), variables(), concat(), format() and, in a copy loop, copyIndex().
 * Any other expression is unknown, and so is a parameter with neither a value nor a defaultValue. A resource copy
 * loop whose count is evaluated yields one result per copy.
 */

const DEPLOYMENT_TYPE = "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments";

/** Parameter values from a parameters file (the deploymentParameters.json shape), by parameter name. */
export type TemplateParameterValues = ReadonlyMap<string, unknown>;

/** Raised for a parameters file that is not in the deploymentParameters shape. */
export class ParametersFileError extends Error {}

/** Returns whether a parsed document is an ARM template: a deploymentTemplate `$schema`, or `resources` beside `parameters` or `contentVersion`. */
export function isArmTemplate(value: unknown): boolean {
  if (!isPlainObject(value)) {
    return false;
  }
  const hasResources = Array.isArray(value.resources) || isPlainObject(value.resources);
  if (typeof value.$schema === "string" && /deploymentTemplate\.json/i.test(value.$schema)) {
    // Resource Manager requires resources in every template, so a file that names the schema without them, such
    // as a CLI YAML deployment, is read by what it contains.
    return hasResources;
  }
  return hasResources && ("contentVersion" in value || "parameters" in value) && !("properties" in value);
}

/**
 * Reads a parameters file: `{ "parameters": { "name": { "value": … } } }`. A Key Vault `reference` has no value
 * amlguard can read, so such a parameter stays unset and fields that use it are unknown.
 */
export function readParametersFile(value: unknown, file: string): TemplateParameterValues {
  if (!isPlainObject(value) || !isPlainObject(value.parameters)) {
    throw new ParametersFileError(`Parameters file ${file} has no "parameters" object; expected the deploymentParameters.json shape.`);
  }
  const values = new Map<string, unknown>();
  for (const [name, entry] of Object.entries(value.parameters)) {
    if (!isPlainObject(entry)) {
      throw new ParametersFileError(`Parameters file ${file}: parameters.${name} must be an object with a "value" or a "reference".`);
    }
    // Resource Manager may read "Value" as "value", and then the template's default would not be the value used.
    const misspelled = Object.keys(entry).find((key) => key !== "value" && key.toUpperCase() === "VALUE");
    if (misspelled !== undefined) {
      throw new ParametersFileError(`Parameters file ${file}: parameters.${name} has the key "${misspelled}"; spell it "value".`);
    }
    if ("value" in entry) {
      values.set(name.toLowerCase(), entry.value);
    }
  }
  return values;
}

/** Reads every online deployment resource of a template, including those of inline nested templates. */
export function readArmTemplate(document: PositionedDocument, file: string | undefined, parameterValues: TemplateParameterValues = new Map()): SourceItem[] {
  const template = document.value as Record<string, unknown>;
  const known = new Map<string, Evaluation>([...parameterValues].map(([name, value]) => [name, { ok: true, value }]));
  const items: SourceItem[] = [];
  readTemplateResources({ evaluator: new TemplateEvaluator(template, known), document, file, items, cap: { instances: 0, reached: false } }, template.resources, ["resources"], 0);
  return items;
}

// Azure ML allows 500 online deployments per subscription and region by default, and this is twenty times as many.
// Copy loops of nested templates multiply. 800 copies of a nested template with 200 copies each make 160,000
// deployments, which would exhaust memory before they were judged. Three levels of 800 nested copies make 512
// million instances to visit, even when none is a deployment.
const MAX_TEMPLATE_INSTANCES = 10_000;

// Bounds the recursion, so a template nested without end cannot exhaust the stack; a deeper chain is reported.
const MAX_NESTED_TEMPLATE_DEPTH = 10;
const NESTED_DEPLOYMENT_TYPE = "microsoft.resources/deployments";

interface TemplateScope {
  readonly evaluator: TemplateEvaluator;
  readonly document: PositionedDocument;
  readonly file: string | undefined;
  readonly items: SourceItem[];
  /** The deployment and nested deployment instances read so far, shared with nested templates, and whether they reached MAX_TEMPLATE_INSTANCES. */
  readonly cap: { instances: number; reached: boolean };
}

/** The resource that contains a child resource: its full type, its name segments and whether it has a copy loop. */
interface ParentResource {
  readonly type: string;
  readonly names: readonly string[];
  readonly copied: boolean;
}

/** Reads the resources of one template, or of a nested template at `depth`, into `scope.items`. */
function readTemplateResources(scope: TemplateScope, resources: unknown, resourcesPath: (string | number)[], depth: number): void {
  const visit = (resources: unknown, prefix: (string | number)[], parent: ParentResource | undefined): void => {
    const entries: [string | number, unknown][] = Array.isArray(resources) ? resources.map((resource, index) => [index, resource]) : isPlainObject(resources) ? Object.entries(resources) : [];
    for (const [key, resource] of entries) {
      if (!isPlainObject(resource)) {
        continue;
      }
      const path = [...prefix, key];
      if (capReached(scope, path)) {
        return;
      }
      // Every resource that Resource Manager could deploy is in the result: one whose type amlguard cannot read,
      // or whose child resources sit under a key in another case, is reported instead of skipped.
      const unread = unreadResourceReason(resource);
      if (unread !== undefined) {
        scope.items.push({ kind: "not-evaluated", ref: templateResourceRef(scope.file, path), reason: unread });
        continue;
      }
      const type = fullType(parent?.type, resource.type as string);
      const names = [...(parent?.names ?? []), ...resourceNames(scope.evaluator, resource.name)];
      const kind = type.toLowerCase();

      if (kind === DEPLOYMENT_TYPE || kind === NESTED_DEPLOYMENT_TYPE) {
        const instances = readResourceInstances(scope, resource, type, parent, names, path);
        for (const instance of instances) {
          if (capReached(scope, path)) {
            return;
          }
          scope.cap.instances++;
          if (kind === DEPLOYMENT_TYPE) {
            scope.items.push(readDeploymentResource(resource, type, instance, scope.document, path, scope.file));
          } else {
            readNestedDeployment(scope, resource, instance, path, depth);
          }
        }
      }
      const copied = parent?.copied === true || Object.keys(resource).some((property) => property.toLowerCase() === "copy");
      visit(resource.resources, [...path, "resources"], { type, names, copied });
    }
  };

  visit(resources, resourcesPath, undefined);
}

/**
 * Reports whether the template's instances reached MAX_TEMPLATE_INSTANCES, adding once a not-evaluated item for the
 * rest at the resource where reading stops, so the run cannot pass.
 */
function capReached(scope: TemplateScope, path: readonly (string | number)[]): boolean {
  if (scope.cap.reached) {
    return true;
  }
  if (scope.cap.instances < MAX_TEMPLATE_INSTANCES) {
    return false;
  }
  scope.cap.reached = true;
  scope.items.push({
    kind: "not-evaluated",
    ref: templateResourceRef(scope.file, path),
    reason:
      `is where amlguard stopped reading the template, after ${MAX_TEMPLATE_INSTANCES.toLocaleString("en-US")} deployments and nested ` +
      "deployments, more than a subscription can hold in a region; the copy loops of its nested templates expand further. Split the template",
  });
  return true;
}

/** One instance of a template resource: its name segments, the evaluator of its expressions, and its copy loop. */
interface ResourceInstance {
  readonly names: readonly string[];
  readonly evaluator: TemplateEvaluator;
  /** State that the copies of one loop share, or undefined for a resource without a loop. */
  readonly loop?: { outerTemplateRead: boolean };
}

/**
 * Returns the instances that Resource Manager deploys of an online deployment or nested deployment resource: one
 * per copy of its copy loop, or one without a loop. A loop amlguard cannot expand adds a not-evaluated item to
 * `scope.items` and returns no instance.
 */
function readResourceInstances(
  scope: TemplateScope,
  resource: Record<string, unknown>,
  type: string,
  parent: ParentResource | undefined,
  names: readonly string[],
  path: (string | number)[],
): ResourceInstance[] {
  const notEvaluated = (reason: string): ResourceInstance[] => {
    scope.items.push({ kind: "not-evaluated", ref: instanceRef(type, names, scope.file, path), reason });
    return [];
  };

  // Resource Manager accepts a copy loop only on a top-level resource, so amlguard does not guess how a child
  // resource of a copied parent, or a child with its own loop, would be deployed.
  if (parent?.copied === true) {
    return notEvaluated(
      "is a child resource of a resource with a copy loop, and amlguard reads copy loops only on top-level resources; declare it as a top-level resource with its own copy loop",
    );
  }
  const loop = readCopyLoop(scope.evaluator, resource);
  if (loop.kind === "none") {
    return [{ names, evaluator: scope.evaluator }];
  }
  if (loop.kind === "not-read") {
    return notEvaluated(loop.reason);
  }
  if (parent !== undefined) {
    return notEvaluated("has a copy loop, which Resource Manager accepts only on a top-level resource; declare it as a top-level resource");
  }
  if (loop.count === 0) {
    return notEvaluated("has a copy loop whose count is 0, so the template deploys no instance of it");
  }

  const shared = { outerTemplateRead: false };
  const instances = Array.from({ length: loop.count }, (_, index) => {
    const evaluator = scope.evaluator.withCopyIteration({ loopName: loop.loopName, index });
    const names = resourceNames(evaluator, resource.name);
    // A name amlguard cannot evaluate is the same expression in every copy, so it gets the copy index appended.
    const evaluated = evaluator.resolve(resource.name).ok;
    return { names: evaluated ? names : names.map((name) => `${name} (copy ${index})`), evaluator, loop: shared };
  });
  // Each copy is a resource of its own, and Resource Manager rejects a template that defines one resource twice.
  const spelled = new Set<string>();
  const repeated = instances.find((instance) => {
    const name = instance.names.join("/").toLowerCase();
    const seen = spelled.has(name);
    spelled.add(name);
    return seen;
  });
  if (repeated !== undefined) {
    return notEvaluated(
      `has a copy loop whose copies share the name ${repeated.names.join("/")}, and Resource Manager rejects a ` +
        "template that defines one resource more than once; use copyIndex() in the name",
    );
  }
  return instances;
}

/** Builds the ref of an online deployment or nested deployment from its name segments. */
function instanceRef(type: string, names: readonly string[], file: string | undefined, path: readonly (string | number)[]): ResourceRef {
  const fallback = `${file ?? "template"}#/${path.join("/")}`;
  const fileField = file === undefined ? {} : { file };
  if (type.toLowerCase() !== DEPLOYMENT_TYPE) {
    return { name: names.at(-1) ?? fallback, source: "arm-template", type: "Microsoft.Resources/deployments", ...fileField };
  }
  // The name segments are workspace, endpoint and deployment, whether one resource or its parents spell them.
  const [workspaceName, endpointName, name] = names.length >= 3 ? names.slice(-3) : [undefined, names.at(-2), names.at(-1)];
  return {
    name: name ?? fallback,
    ...(endpointName === undefined ? {} : { endpointName }),
    ...(workspaceName === undefined ? {} : { workspaceName }),
    source: "arm-template",
    type,
    ...fileField,
  };
}

/** Returns why amlguard cannot read a template resource's type or child resources, or undefined when it can. */
function unreadResourceReason(resource: Record<string, unknown>): string | undefined {
  if (typeof resource.type !== "string") {
    const variant = Object.keys(resource).find((key) => key !== "type" && key.toUpperCase() === "TYPE");
    return variant === undefined
      ? "has no type, so amlguard cannot tell whether it is an online deployment"
      : `spells its type key "${variant}", which Resource Manager may read as "type"; spell it "type"`;
  }
  const children = Object.keys(resource).find((key) => key !== "resources" && key.toUpperCase() === "RESOURCES");
  return children === undefined ? undefined : `keeps child resources under "${children}", which Resource Manager may read as "resources"; spell it "resources"`;
}

function templateResourceRef(file: string | undefined, path: readonly (string | number)[]): ResourceRef {
  return { name: `${file ?? "template"}#/${path.join("/")}`, source: "arm-template", ...(file === undefined ? {} : { file }) };
}

/**
 * Reads a `Microsoft.Resources/deployments` resource. An inline `properties.template` is read like the outer
 * template. With `expressionEvaluationOptions.scope: inner`, its parameters() come from the deployment's
 * `properties.parameters` (evaluated in the outer scope) and then its own defaultValue. With the default scope
 * `outer`, its expressions use the parent's parameters and variables. A linked template is not in the file.
 */
function readNestedDeployment(scope: TemplateScope, resource: Record<string, unknown>, instance: ResourceInstance, path: (string | number)[], depth: number): void {
  const ref = instanceRef(NESTED_DEPLOYMENT_TYPE, instance.names, scope.file, path);
  const properties = isPlainObject(resource.properties) ? resource.properties : {};

  const notDeployed = notDeployedReason(instance.evaluator, resource);
  if (notDeployed !== undefined) {
    scope.items.push({ kind: "not-evaluated", ref, reason: `${notDeployed} or its nested template` });
    return;
  }
  if (isPlainObject(properties.templateLink)) {
    const link = properties.templateLink.uri ?? properties.templateLink.id ?? properties.templateLink.relativePath;
    const resolved = instance.evaluator.resolve(link);
    const linkText = resolved.ok && typeof resolved.value === "string" ? resolved.value : String(link);
    scope.items.push({
      kind: "not-evaluated",
      ref,
      reason: `links to the template ${linkText}, which amlguard cannot read offline; check that template file on its own`,
    });
    return;
  }
  if (!isPlainObject(properties.template)) {
    scope.items.push({ kind: "not-evaluated", ref, reason: "has no inline properties.template object and no templateLink, so its resources cannot be read" });
    return;
  }
  if (depth + 1 > MAX_NESTED_TEMPLATE_DEPTH) {
    scope.items.push({ kind: "not-evaluated", ref, reason: `nests templates more than ${MAX_NESTED_TEMPLATE_DEPTH} levels deep, so amlguard does not read its template` });
    return;
  }

  const options = isPlainObject(properties.expressionEvaluationOptions) ? properties.expressionEvaluationOptions : {};
  const variant = nestedKeyInAnotherCase(properties, options);
  if (variant !== undefined) {
    scope.items.push({ kind: "not-evaluated", ref, reason: `spells ${variant}, which Resource Manager may read in either case; spell it as the template schema does` });
    return;
  }

  const template = properties.template;
  const inner = typeof options.scope === "string" && options.scope.toLowerCase() === "inner";
  if (!inner && instance.loop !== undefined) {
    // In outer scope the inner template reads the parent's parameters and variables, the same in every copy, so
    // the copies deploy the same resources and the first copy that is deployed reports them.
    // NOTE: copyIndex() inside such an inner template is left unknown, because Microsoft does not document which
    // loop it would read there.
    if (instance.loop.outerTemplateRead) {
      return;
    }
    instance.loop.outerTemplateRead = true;
  }
  const evaluator = inner ? new TemplateEvaluator(template, innerParameterValues(properties.parameters, instance.evaluator)) : scope.evaluator;
  readTemplateResources({ ...scope, evaluator }, template.resources, [...path, "properties", "template", "resources"], depth + 1);
}

/**
 * Returns the first key of a nested deployment that amlguard reads, spelled in another case (`Scope`, `Value`),
 * as `properties.Key`, or undefined. Read as absent, such a key would change which parameter values apply.
 */
function nestedKeyInAnotherCase(properties: Record<string, unknown>, options: Record<string, unknown>): string | undefined {
  const variantOf = (object: Record<string, unknown>, names: readonly string[]): string | undefined =>
    Object.keys(object).find((key) => !names.includes(key) && names.some((name) => name.toUpperCase() === key.toUpperCase()));
  const inProperties = variantOf(properties, ["expressionEvaluationOptions", "parameters", "template", "templateLink"]);
  if (inProperties !== undefined) {
    return `properties.${inProperties}`;
  }
  const inOptions = variantOf(options, ["scope"]);
  if (inOptions !== undefined) {
    return `properties.expressionEvaluationOptions.${inOptions}`;
  }
  const parameters = isPlainObject(properties.parameters) ? Object.entries(properties.parameters) : [];
  for (const [name, entry] of parameters) {
    const inEntry = isPlainObject(entry) ? variantOf(entry, ["value", "reference"]) : undefined;
    if (inEntry !== undefined) {
      return `properties.parameters.${name}.${inEntry}`;
    }
  }
  return undefined;
}

/** Evaluates the `{ "value": … }` entries a nested deployment passes to an inner-scope template, in the outer scope. */
function innerParameterValues(parameters: unknown, outer: TemplateEvaluator): Map<string, Evaluation> {
  const values = new Map<string, Evaluation>();
  if (!isPlainObject(parameters)) {
    return values;
  }
  for (const [name, entry] of Object.entries(parameters)) {
    if (isPlainObject(entry) && "value" in entry) {
      values.set(name.toLowerCase(), outer.resolve(entry.value));
    } else if (isPlainObject(entry) && "reference" in entry) {
      values.set(name.toLowerCase(), { ok: false, reason: `parameter '${name}' is a Key Vault reference, whose value amlguard does not read` });
    }
  }
  return values;
}

function readDeploymentResource(
  resource: Record<string, unknown>,
  type: string,
  instance: ResourceInstance,
  document: PositionedDocument,
  path: (string | number)[],
  file: string | undefined,
): SourceItem {
  const ref = instanceRef(type, instance.names, file, path);
  const evaluator = instance.evaluator;

  const notDeployed = notDeployedReason(evaluator, resource);
  if (notDeployed !== undefined) {
    return { kind: "not-evaluated", ref, reason: notDeployed };
  }

  const access = evaluator.access();
  try {
    const deployment = readDeploymentBody({
      ref,
      body: access.get(resource, "properties"),
      bodyPath: "properties",
      sku: access.get(resource, "sku"),
      skuPath: "sku",
      access,
      locate: document.locatorAt(path),
      resource: { kind: "present", value: resource },
    });
    return { kind: "deployment", deployment: applyKeyProblems(deployment, findPropertyCopyLoops(resource, armResourceKeys("properties"), "", evaluator)) };
  } catch (error) {
    if (error instanceof UnsupportedDeploymentError) {
      return { kind: "not-evaluated", ref, reason: error.message };
    }
    throw error;
  }
}

/**
 * Returns why the template does not deploy a resource, or one copy of it: a condition that is false. A condition
 * that is unknown is judged as if the resource were deployed.
 */
function notDeployedReason(evaluator: TemplateEvaluator, resource: Record<string, unknown>): string | undefined {
  const condition = evaluator.resolve(resource.condition);
  if ("condition" in resource && condition.ok && condition.value === false) {
    return "has a condition that is false, so the template does not deploy it";
  }
  return undefined;
}

/** Joins a child resource's type to its parent's, unless it is already a full type (`Microsoft.X/...`). */
function fullType(parentType: string | undefined, type: string): string {
  const bare = type.replace(/@.*$/, "");
  if (parentType === undefined || bare.split("/")[0].includes(".")) {
    return bare;
  }
  return `${parentType}/${bare}`;
}

/** Splits a resource name (`ws/endpoint/blue`) into segments; an unresolved name is kept whole. */
function resourceNames(evaluator: TemplateEvaluator, name: unknown): string[] {
  const evaluated = evaluator.resolve(name);
  if (evaluated.ok && typeof evaluated.value === "string") {
    return evaluated.value.split("/");
  }
  return typeof name === "string" ? [name] : [];
}
