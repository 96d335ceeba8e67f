/**
 * Pulumi type tokens of the resources amlguard reads, in every spelling an azure-native program can produce:
 * - v3 default module: `azure-native:machinelearningservices:OnlineDeployment`;
 * - v2 explicit API-version module: `azure-native:machinelearningservices/v20230401:OnlineDeployment`;
 * - v3 local SDK (`pulumi package add azure-native machinelearningservices 2025-06-01`), a parameterized
 *   package: `azure-native_machinelearningservices_v20250601:machinelearningservices:OnlineDeployment`, and the
 *   form older provider releases generated, `…:machinelearningservices/v20250601:OnlineDeployment`.
 * API versions may end in `preview` or `privatepreview`.
 */

const API_VERSION = "v\\d{8}(?:preview|privatepreview)?";

function tokenPattern(modules: readonly string[], resource: string): RegExp {
  const module = `(?:${modules.join("|")})`;
  return new RegExp(`^azure-native(?:_${module}_${API_VERSION})?:${module}(?:/${API_VERSION})?:${resource}$`);
}

const ONLINE_DEPLOYMENT = tokenPattern(["machinelearningservices"], "OnlineDeployment");
const WORKSPACE = tokenPattern(["machinelearningservices"], "Workspace");
const ONLINE_ENDPOINT = tokenPattern(["machinelearningservices"], "OnlineEndpoint");
const RESOURCE_GROUP = tokenPattern(["resources"], "ResourceGroup");
// azure-native v3 moved autoscale settings from the `insights` module to `monitor`.
const AUTOSCALE_SETTING = tokenPattern(["monitor", "insights"], "AutoscaleSetting");

export const ONLINE_DEPLOYMENT_TYPE = "azure-native:machinelearningservices:OnlineDeployment";

// Every policy of the pack checks the type of every resource, and most programs use the default module's token.
export function isOnlineDeploymentType(type: string): boolean {
  return type === ONLINE_DEPLOYMENT_TYPE || ONLINE_DEPLOYMENT.test(type);
}

export function isWorkspaceType(type: string): boolean {
  return WORKSPACE.test(type);
}

export function isAutoscaleSettingType(type: string): boolean {
  return AUTOSCALE_SETTING.test(type);
}

/** Reports whether a resource of this type can name the path of an online deployment's id: its resource group, workspace or endpoint. */
export function isDeploymentParentType(type: string): boolean {
  return WORKSPACE.test(type) || ONLINE_ENDPOINT.test(type) || RESOURCE_GROUP.test(type);
}

/** Returns the type token in a Pulumi URN (`urn:pulumi:stack::project::parent$type::name`), without its parents' types. */
export function typeOfUrn(urn: string): string {
  const qualifiedType = urn.split("::")[2] ?? "";
  return qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1);
}
