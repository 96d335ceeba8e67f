import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { SAMPLE_DEPLOYMENTS } from "../src/emulator/sample-tenant";
import type { OnlineDeployment } from "../src/model/deployment";
import { readArmResource } from "../src/sources/arm-json";

const DEPLOYMENT_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";

/**
 * Loads the deployment shapes the throughput benchmark cycles through: every online deployment body in the Azure REST
 * API examples of the shared corpus (request and response bodies of every api-version), plus the emulator's
 * sample tenant. Returns the deployments as the ARM source reads them, and how many came from each place.
 */
export function loadDeploymentShapes(corpusDir: string): { deployments: OnlineDeployment[]; fromCorpus: number; fromSample: number } {
  const bodies: unknown[] = [];
  const specs = path.join(corpusDir, "rest-api-specs");
  // Without the corpus the mix would be the five sample shapes alone, which is not the mix the page describes.
  if (!existsSync(specs)) {
    throw new Error(`the Azure REST API examples are not in ${specs}: put the shared corpus beside the clone, or pass --corpus DIR`);
  }
  for (const file of jsonFiles(specs).filter((each) => each.includes(`${path.sep}OnlineDeployment${path.sep}`))) {
    bodies.push(...exampleBodies(JSON.parse(readFileSync(file, "utf8"))));
  }
  const fromCorpus = bodies.length;
  for (const sample of SAMPLE_DEPLOYMENTS) {
    bodies.push({ ...sample, type: DEPLOYMENT_TYPE });
  }

  const deployments: OnlineDeployment[] = [];
  bodies.forEach((body, index) => {
    const item = readArmResource(withIdentity(body, index), undefined, []);
    if (item.kind === "deployment") {
      deployments.push(item.deployment);
    }
  });
  return { deployments, fromCorpus, fromSample: SAMPLE_DEPLOYMENTS.length };
}

/** Request and response bodies of a REST API example file, and the items of a list response. */
function exampleBodies(example: unknown): unknown[] {
  const record = example as { parameters?: { body?: unknown }; responses?: Record<string, { body?: { value?: unknown[] } }> };
  const found: unknown[] = [];
  if (isDeploymentBody(record.parameters?.body)) {
    found.push(record.parameters?.body);
  }
  for (const response of Object.values(record.responses ?? {})) {
    if (Array.isArray(response.body?.value)) {
      found.push(...response.body.value.filter(isDeploymentBody));
    } else if (isDeploymentBody(response.body)) {
      found.push(response.body);
    }
  }
  return found;
}

function isDeploymentBody(value: unknown): boolean {
  const properties = (value as { properties?: { endpointComputeType?: unknown } } | undefined)?.properties;
  return typeof properties?.endpointComputeType === "string";
}

// Request bodies carry no id or name; give each one a distinct id so results do not collide.
function withIdentity(body: unknown, index: number): unknown {
  const record = body as Record<string, unknown>;
  const name = typeof record.name === "string" ? record.name : `example-${index}`;
  return {
    ...record,
    id: `/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-bench/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep/deployments/${name}-${index}`,
    name,
    type: DEPLOYMENT_TYPE,
  };
}

function jsonFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) {
      return jsonFiles(full);
    }
    return entry.endsWith(".json") ? [full] : [];
  });
}
