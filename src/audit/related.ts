import * as z from "zod";
import type { AutoscaleProfile, ManagedNetworkIsolationMode } from "../model/deployment";
import { type Field, invalidField } from "../model/field";
import { plainAccess } from "../sources/property-access";
import { type CapacityCountOptions, capacityCountField, isolationModeField } from "../sources/related-fields";
import { failureOf } from "./reasons";

/**
 * Related resources the audit reads besides deployments: a workspace's managed network isolation mode and
 * Azure Monitor autoscale settings (`Microsoft.Insights/autoscalesettings`, api-version 2022-10-01).
 */

export const AUTOSCALE_API_VERSION = "2022-10-01";

const ISOLATION_PATH = "workspace.properties.managedNetwork.isolationMode";
// No value in the deployment fixes a request that failed.
const RETRY_FIX = "Run the audit again once the request succeeds";

/**
 * Schema of a resource id the audit builds request paths from: `/subscriptions/…`, with no query, fragment,
 * empty segment or dot segment that could move the request to another resource.
 */
export function armIdSchema() {
  return z.string().regex(/^\/subscriptions\/[^/?#]+(\/[^/?#]+)*$/i).refine((id) => !id.split("/").some((segment) => segment === "." || segment === ".."), "has a dot segment");
}

/** Fields of a workspace body that the audit reads; other fields pass through unchecked. */
export const WorkspaceSchema = z.looseObject({
  id: armIdSchema(),
  name: z.string().min(1),
  properties: z.looseObject({ managedNetwork: z.looseObject({ isolationMode: z.unknown() }).nullish() }).nullish(),
});
export type WorkspaceBody = z.infer<typeof WorkspaceSchema>;

/** Reads `managedNetwork.isolationMode`; a workspace without a managed network block has isolation Disabled. */
export function isolationModeOf(workspace: WorkspaceBody): Field<ManagedNetworkIsolationMode> {
  return isolationModeField(plainAccess, workspace.properties, ISOLATION_PATH);
}

/** Returns the isolation field for a deployment whose workspace a Resource Graph result left out: invalid, as an unreadable one. */
export function missingIsolationMode(): Field<ManagedNetworkIsolationMode> {
  return invalidField(
    ISOLATION_PATH,
    undefined,
    "could not be read because the Resource Graph result has no row for the workspace",
    "Run the audit again once Resource Graph has indexed the workspace, or audit with --source arm",
  );
}

/** Returns the isolation field for a workspace that could not be read: invalid, so no rule passes on it. */
export function unreadableIsolationMode(reason: string): Field<ManagedNetworkIsolationMode> {
  return invalidField(ISOLATION_PATH, undefined, `could not be read because the workspace request failed: ${failureOf(reason)}`, RETRY_FIX);
}

// ARM responses are read untrimmed, so spaces around a capacity count make it invalid. The pack trims them in stack inputs.
const CAPACITY_OPTIONS: CapacityCountOptions = { trimSpaces: false };

const AutoscaleSettingSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  properties: z.looseObject({
    enabled: z.boolean().nullish(),
    targetResourceUri: z.string(),
    profiles: z.array(z.looseObject({ name: z.string(), capacity: z.looseObject({ minimum: z.unknown(), maximum: z.unknown(), default: z.unknown() }) })),
  }),
});

/** Profiles of autoscale settings by lower-cased target resource id, or why the resource group's settings are unknown. */
export type AutoscaleIndex =
  | { readonly ok: true; readonly byTarget: ReadonlyMap<string, readonly AutoscaleProfile[]> }
  | { readonly ok: false; readonly reason: string; readonly listingId: string };

/**
 * Indexes a resource group's autoscale settings by target. A setting whose shape is not the documented one
 * makes the whole index unreadable, because its target, and so the deployment it limits, is unknown.
 */
export function indexAutoscaleSettings(items: readonly unknown[], listingId: string): AutoscaleIndex {
  const byTarget = new Map<string, AutoscaleProfile[]>();
  for (const item of items) {
    const parsed = AutoscaleSettingSchema.safeParse(item);
    if (!parsed.success) {
      return { ok: false, reason: "an autoscale setting in the listing does not have the documented shape", listingId };
    }
    const setting = parsed.data;
    // Azure Monitor ignores a disabled setting, so it does not limit the deployment's capacity. `enabled`
    // defaults to false in the Azure Monitor autoscale API, so an absent flag means disabled, as in the pack.
    if (setting.properties.enabled !== true) {
      continue;
    }

    const target = setting.properties.targetResourceUri.toLowerCase();
    const profiles = byTarget.get(target) ?? [];
    setting.properties.profiles.forEach((profile, index) => {
      const path = `${setting.id}:properties.profiles[${index}].capacity`;
      profiles.push({
        settingId: setting.id,
        profileName: profile.name,
        minimum: capacityCountField(plainAccess.get(profile.capacity, "minimum"), `${path}.minimum`, CAPACITY_OPTIONS),
        maximum: capacityCountField(plainAccess.get(profile.capacity, "maximum"), `${path}.maximum`, CAPACITY_OPTIONS),
        default: capacityCountField(plainAccess.get(profile.capacity, "default"), `${path}.default`, CAPACITY_OPTIONS),
      });
    });
    byTarget.set(target, profiles);
  }
  return { ok: true, byTarget };
}

/**
 * Returns a placeholder profile for deployments whose resource group's autoscale settings could not be listed. Its
 * fields are invalid, so rules that judge autoscale bounds report the gap instead of passing.
 */
export function unreadableAutoscaleProfile(index: Extract<AutoscaleIndex, { ok: false }>): AutoscaleProfile {
  const reason = `could not be read because listing the resource group's autoscale settings failed: ${failureOf(index.reason)}`;
  const path = `${index.listingId}:properties.profiles[].capacity`;
  return {
    settingId: index.listingId,
    profileName: "(autoscale settings unreadable)",
    minimum: invalidField(`${path}.minimum`, undefined, reason, RETRY_FIX),
    maximum: invalidField(`${path}.maximum`, undefined, reason, RETRY_FIX),
    default: invalidField(`${path}.default`, undefined, reason, RETRY_FIX),
  };
}
