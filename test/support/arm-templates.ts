import { readArmTemplate } from "../../src/sources/arm-template";
import { parsePositioned } from "../../src/sources/locator";
import type { SourceItem } from "../../src/sources/source-item";

export const TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
export const DEPLOYMENT_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";

/** Builds a deployment template with the given resources and other top-level elements (parameters, variables). */
export function template(resources: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { $schema: TEMPLATE_SCHEMA, contentVersion: "1.0.0.0", ...extra, resources };
}

/** Reads a template written out as `template.json` would be, with the values of a parameters file. */
export function readTemplate(value: unknown, parameters: ReadonlyMap<string, unknown> = new Map()): SourceItem[] {
  return readArmTemplate(parsePositioned(JSON.stringify(value, null, 2)), "template.json", parameters);
}

/** Builds a Managed deployment resource that sets only its request timeout. */
export function deploymentResource(timeout: string, name = "ws/fraud/blue"): Record<string, unknown> {
  return {
    type: DEPLOYMENT_TYPE,
    apiVersion: "2025-06-01",
    name,
    sku: { name: "Default", capacity: 3 },
    properties: { endpointComputeType: "Managed", requestSettings: { requestTimeout: timeout } },
  };
}
