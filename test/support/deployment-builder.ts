import type { AutoscaleProfile, ComputeType, OnlineDeployment, RelatedResources } from "../../src/model/deployment";
import { type Field, setField } from "../../src/model/field";
import { readArmResource } from "../../src/sources/arm-json";

/** A small ARM JSON online deployment, as `GET …/deployments/{name}` returns it. */
export type ArmJson = Record<string, unknown>;

export interface ArmDeploymentOptions {
  /** `endpointComputeType`; a string Azure does not define is allowed, to test invalid values. */
  readonly computeType?: ComputeType | string;
  /** Merged into `properties`, one level deep: `{ requestSettings: { requestTimeout: "PT10S" } }`. */
  readonly properties?: Record<string, unknown>;
  /** The top-level `sku`; omitted when undefined. */
  readonly sku?: Record<string, unknown>;
  readonly name?: string;
}

const DEPLOYMENT_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices" +
  "/workspaces/ws/onlineEndpoints/endpoint/deployments/";

/** Builds the ARM JSON of a deployment with only the fields a test names, so every other field is unset. */
export function armDeployment(options: ArmDeploymentOptions = {}): ArmJson {
  const name = options.name ?? "blue";
  return {
    id: `${DEPLOYMENT_ID}${name}`,
    name,
    type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
    location: "westeurope",
    properties: { endpointComputeType: options.computeType ?? "Managed", ...options.properties },
    ...(options.sku === undefined ? {} : { sku: options.sku }),
  };
}

/** Reads ARM JSON through the real ARM source and returns the deployment; fails the test when it is not one. */
export function readDeployment(json: ArmJson): OnlineDeployment {
  const item = readArmResource(json, undefined, []);
  if (item.kind !== "deployment") {
    throw new Error(`expected a deployment, the ARM source returned not-evaluated: ${item.reason}`);
  }
  return item.deployment;
}

/** Builds and reads a deployment in one step. */
export function deployment(options: ArmDeploymentOptions = {}, related?: RelatedResources): OnlineDeployment {
  const read = readDeployment(armDeployment(options));
  return related === undefined ? read : { ...read, related };
}

/**
 * Returns a copy of the deployment with one model field replaced, for states ARM JSON cannot express, such as a
 * value that is unknown until `pulumi up`. `keys` is the model path: `["probes", "liveness", "periodMs"]`.
 */
export function withField(target: OnlineDeployment, keys: readonly string[], field: Field<unknown>): OnlineDeployment {
  const replace = (node: unknown, index: number): unknown => {
    const record = node as Record<string, unknown>;
    if (!(keys[index] in record)) {
      throw new Error(`model path ${keys.join(".")} does not exist`);
    }
    const value = index === keys.length - 1 ? field : replace(record[keys[index]], index + 1);
    return { ...record, [keys[index]]: value };
  };
  return replace(target, 0) as OnlineDeployment;
}

/** The ARM id of the autoscale setting that `autoscaleProfile` builds profiles of. */
export const AUTOSCALE_SETTING = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/autoscalesettings/blue-autoscale";

/** Path of the first profile's capacity in that setting, the prefix of the profile's field paths. */
export const AUTOSCALE_CAPACITY = `${AUTOSCALE_SETTING}.properties.profiles[0].capacity`;

/** Builds the first profile of an autoscale setting with a known capacity minimum, default and maximum. */
export function autoscaleProfile(minimum: number, defaultCount: number, maximum: number): AutoscaleProfile {
  return {
    settingId: AUTOSCALE_SETTING,
    profileName: "default",
    minimum: setField(`${AUTOSCALE_CAPACITY}.minimum`, minimum),
    maximum: setField(`${AUTOSCALE_CAPACITY}.maximum`, maximum),
    default: setField(`${AUTOSCALE_CAPACITY}.default`, defaultCount),
  };
}
