import type { ResourceRef } from "../model/deployment";
import { parseDeploymentId } from "./arm-id";
import { UnsupportedDeploymentError, readDeploymentBody } from "./deployment-body";
import type { PositionedDocument } from "./locator";
import { isPlainObject, plainAccess } from "./property-access";
import type { SourceItem } from "./source-item";

/**
 * Reads ARM JSON as `GET …/onlineEndpoints/{endpoint}/deployments/{deployment}` returns it: one
 * `OnlineDeploymentTrackedResource`, a list response (`{ "value": [...] }`), or an array of resources. An
 * OpenAPI example file (`{ "parameters", "responses" }`) is read through the body of its success response.
 */
export function readArmJson(document: PositionedDocument, file?: string): SourceItem[] {
  const root = document.value;
  const items: SourceItem[] = [];

  const visit = (value: unknown, prefix: (string | number)[]): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...prefix, index]));
      return;
    }
    if (isPlainObject(value) && Array.isArray(value.value)) {
      visit(value.value, [...prefix, "value"]);
      const laterPages = laterPagesItem(value, prefix, file);
      if (laterPages !== undefined) {
        items.push(laterPages);
      }
      // A list response has no properties of its own. An object with both is read as a resource as well, unless
      // nothing in it is of a deployment, so that neither the list nor the resource is lost.
      if (value.type === undefined && bodyKeysIn(value, DEPLOYMENT_BODY_KEYS).length === 0) {
        return;
      }
    }
    if (isPlainObject(value) && isPlainObject(value.responses) && isPlainObject(value.parameters)) {
      const status = ["200", "201"].find((code) => isPlainObject((value.responses as Record<string, unknown>)[code]));
      if (status !== undefined) {
        visit(((value.responses as Record<string, unknown>)[status] as Record<string, unknown>).body, [...prefix, "responses", status, "body"]);
        return;
      }
    }
    items.push(readArmResource(value, document, prefix, file));
  };

  visit(root, []);
  return items;
}

/**
 * Returns the not-evaluated item that stands for the later pages of a list response whose `nextLink` names
 * another page. Such a file contains one page of a longer list, and the deployments on the other pages would
 * otherwise be missing from the result without a trace. Resource Manager's `nextLink` is an absolute URL, and the
 * OpenAPI examples carry the placeholder `"string"`, which names no page.
 */
function laterPagesItem(list: Record<string, unknown>, prefix: readonly (string | number)[], file: string | undefined): SourceItem | undefined {
  if (typeof list.nextLink !== "string" || !/^https?:\/\//i.test(list.nextLink)) {
    return undefined;
  }
  const where = prefix.length === 0 ? "the list response" : `the list response at ${prefix.join(".")}`;
  return {
    kind: "not-evaluated",
    ref: { name: file ?? "input", source: "arm", ...(file === undefined ? {} : { file }) },
    reason:
      `${where} has a nextLink, so it is one page of a longer list, and the deployments on the later pages are not in this file. ` +
      "Put the value arrays of every page into one list without a nextLink and check that, or run amlguard audit.",
  };
}

/** Reads one ARM resource. Anything that is not an online deployment is returned as not evaluated. */
export function readArmResource(value: unknown, document: PositionedDocument | undefined, prefix: (string | number)[], file?: string): SourceItem {
  const ref = armRef(value, prefix, file);
  const subject = subjectOf(prefix);
  const notEvaluated = (reason: string): SourceItem => ({ kind: "not-evaluated", ref, reason: subject === undefined ? reason : `${subject} ${reason}` });
  if (!isPlainObject(value)) {
    return notEvaluated("is not a JSON object, so it is not an ARM resource");
  }

  const type = typeof value.type === "string" ? value.type : undefined;
  // An object without a type would otherwise be judged as a deployment with every field missing.
  if (type === undefined) {
    const batchKeys = bodyKeysIn(value, BATCH_DEPLOYMENT_BODY_KEYS);
    if (batchKeys.length > 0) {
      return notEvaluated(`is the body of a batch deployment (properties.${batchKeys.join(", properties.")}), not an online deployment`);
    }
    if (bodyKeysIn(value, DEPLOYMENT_BODY_KEYS).length === 0) {
      return notEvaluated("contains no Azure Machine Learning online deployment");
    }
  }
  // OpenAPI example files fill string fields with the word "string", the type included.
  const isDeploymentType = type === undefined || /onlineEndpoints\/deployments$/i.test(type) || type === "string";
  if (!isDeploymentType) {
    return notEvaluated(`is of type ${type}, not Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments`);
  }

  try {
    const deployment = readDeploymentBody({
      ref,
      body: plainAccess.get(value, "properties"),
      bodyPath: "properties",
      sku: plainAccess.get(value, "sku"),
      skuPath: "sku",
      access: plainAccess,
      locate: document?.locatorAt(prefix),
      resource: { kind: "present", value },
    });
    return { kind: "deployment", deployment };
  } catch (error) {
    if (error instanceof UnsupportedDeploymentError) {
      return notEvaluated(error.message);
    }
    throw error;
  }
}

/** The keys of an ARM resource; an object with none of them is not one. */
export const ARM_RESOURCE_KEYS: readonly string[] = ["properties", "type", "id", "sku"];

/**
 * Property names that only the body of an online deployment has (`OnlineDeployment` in api-version 2025-06-01).
 * Names that other bodies and JSON schemas share, such as `description`, `model` or `properties`, are left out,
 * and so are `codeConfiguration` and `environmentId`, which a batch deployment body has too.
 */
const DEPLOYMENT_BODY_KEYS: ReadonlySet<string> = new Set(
  [
    "endpointComputeType",
    "requestSettings",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "scaleSettings",
    "instanceType",
    "egressPublicNetworkAccess",
    "containerResourceRequirements",
    "appInsightsEnabled",
    "modelMountPath",
    "dataCollector",
  ].map((key) => key.toLowerCase()),
);

/**
 * Property names that only the body of a batch deployment has (`BatchDeploymentProperties` in api-version
 * 2025-06-01). Its `resources` is left out, because the name is too common to tell a batch deployment apart.
 */
const BATCH_DEPLOYMENT_BODY_KEYS: ReadonlySet<string> = new Set(
  [
    "compute",
    "deploymentConfiguration",
    "errorThreshold",
    "loggingLevel",
    "maxConcurrencyPerInstance",
    "miniBatchSize",
    "outputAction",
    "outputFileName",
    "retrySettings",
  ].map((key) => key.toLowerCase()),
);

/**
 * Returns the keys of an object's `properties` that are in `names`, such as the keys that mark a type-less REST
 * request body as an online or a batch deployment. Names are compared without regard to case, as Azure's JSON
 * readers may compare them, so a body whose keys differ only in case is recognized.
 */
function bodyKeysIn(value: Record<string, unknown>, names: ReadonlySet<string>): string[] {
  const propertiesKey = Object.keys(value).find((key) => key.toLowerCase() === "properties");
  const properties = propertiesKey === undefined ? undefined : value[propertiesKey];
  return isPlainObject(properties) ? Object.keys(properties).filter((key) => names.has(key.toLowerCase())) : [];
}

/**
 * Returns where a resource sits in the file as a path (`value[2]`), with 0-based indexes as in the resource's
 * `#/value/2` name, or undefined for the top-level resource.
 */
function subjectOf(prefix: readonly (string | number)[]): string | undefined {
  if (prefix.length === 0) {
    return undefined;
  }
  if (prefix.length === 1 && typeof prefix[0] === "number") {
    return `item [${prefix[0]}] of the top-level array`;
  }
  let path = "";
  for (const step of prefix) {
    if (typeof step === "number") {
      path += `[${step}]`;
    } else {
      path += path === "" ? step : `.${step}`;
    }
  }
  return path;
}

function armRef(value: unknown, prefix: readonly (string | number)[], file?: string): ResourceRef {
  const object = isPlainObject(value) ? value : {};
  const id = typeof object.id === "string" && object.id.startsWith("/") ? object.id : undefined;
  const parts = id === undefined ? undefined : parseDeploymentId(id);
  const where = prefix.length === 0 ? "" : `#/${prefix.join("/")}`;
  const name = parts?.deploymentName ?? (typeof object.name === "string" ? object.name : `${file ?? "input"}${where}`);

  return {
    ...(id === undefined ? {} : { id }),
    name,
    ...(parts === undefined
      ? {}
      : {
          endpointName: parts.endpointName,
          workspaceName: parts.workspaceName,
          resourceGroupName: parts.resourceGroupName,
          subscriptionId: parts.subscriptionId,
        }),
    source: "arm",
    ...(file === undefined ? {} : { file }),
    ...(typeof object.type === "string" ? { type: object.type } : {}),
  };
}
