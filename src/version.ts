import packageJson from "../package.json";
import { RULE_CATALOGUE_VERSION } from "./rules/index";

export const TOOL_NAME = "amlguard";
export const TOOL_VERSION: string = packageJson.version;
export { RULE_CATALOGUE_VERSION };
