import type { EmulatedDeployment, EmulatedTenant } from "./tenant";

/**
 * A small tenant for `npm run demo`: three workspaces of one subscription with Managed and Kubernetes
 * deployments, some within the default limits and some not, and an Azure Monitor autoscale setting.
 */

export const SAMPLE_SUBSCRIPTION_ID = "6f1c2a4e-8d3b-4c55-9e21-0a7b3c9d4e10";
export const SAMPLE_TOKEN = "emulator-demo-token";

const FRAUD_BLUE: EmulatedDeployment = {
  name: "blue",
  sku: { name: "Default", capacity: 3 },
  properties: {
    endpointComputeType: "Managed",
    instanceType: "Standard_DS3_v2",
    model: "azureml:fraud-gbm:14",
    environmentId: "azureml:fraud-scoring-env:7",
    egressPublicNetworkAccess: "Disabled",
    requestSettings: { requestTimeout: "PT30S", maxQueueWait: "PT0.5S", maxConcurrentRequestsPerInstance: 2 },
    livenessProbe: { initialDelay: "PT30S", period: "PT10S", timeout: "PT2S", failureThreshold: 3, successThreshold: 1 },
    readinessProbe: { initialDelay: "PT10S", period: "PT10S", timeout: "PT2S", failureThreshold: 3, successThreshold: 1 },
    scaleSettings: { scaleType: "Default" },
    provisioningState: "Succeeded",
  },
};

const FRAUD_GREEN: EmulatedDeployment = {
  name: "green",
  sku: { name: "Default", capacity: 1 },
  properties: {
    endpointComputeType: "Managed",
    instanceType: "Standard_DS3_v2",
    model: "azureml:fraud-gbm:15",
    environmentId: "azureml:fraud-scoring-env:8",
    // The workspace's managed network allows only approved outbound traffic, so Azure ignores this flag.
    egressPublicNetworkAccess: "Enabled",
    requestSettings: { requestTimeout: "PT3M", maxConcurrentRequestsPerInstance: 1 },
    livenessProbe: { initialDelay: "PT10S", period: "PT10S", timeout: "PT2S", failureThreshold: 30, successThreshold: 1 },
    provisioningState: "Succeeded",
  },
};

const RECOMMEND_MAIN: EmulatedDeployment = {
  name: "main",
  sku: { name: "Default", capacity: 2 },
  properties: {
    endpointComputeType: "Managed",
    instanceType: "Standard_F8s_v2",
    model: "azureml:two-tower-recs:3",
    environmentId: "azureml:recs-env:2",
    // egressPublicNetworkAccess is absent: Azure applies Enabled.
    requestSettings: { requestTimeout: "PT2M" },
    provisioningState: "Succeeded",
  },
};

const RECOMMEND_K8S: EmulatedDeployment = {
  name: "k8s-blue",
  sku: { name: "Default", capacity: 2 },
  properties: {
    endpointComputeType: "Kubernetes",
    instanceType: "defaultinstancetype",
    model: "azureml:two-tower-recs:3",
    environmentId: "azureml:recs-env:2",
    requestSettings: { requestTimeout: "PT10S", maxConcurrentRequestsPerInstance: 4 },
    livenessProbe: { initialDelay: "PT20S", period: "PT10S", timeout: "PT2S", failureThreshold: 5, successThreshold: 1 },
    readinessProbe: { initialDelay: "PT10S", period: "PT5S", timeout: "PT2S", failureThreshold: 5, successThreshold: 1 },
    scaleSettings: { scaleType: "TargetUtilization", minInstances: 2, maxInstances: 6, targetUtilizationPercentage: 60, pollingInterval: "PT10S" },
    containerResourceRequirements: {
      containerResourceRequests: { cpu: "1", memory: "2Gi" },
      containerResourceLimits: { cpu: "2", memory: "4Gi" },
    },
    provisioningState: "Succeeded",
  },
};

const CHAT_GPU: EmulatedDeployment = {
  name: "gpu-a100",
  sku: { name: "Default", capacity: 1 },
  properties: {
    endpointComputeType: "Managed",
    instanceType: "Standard_NC24ads_A100_v4",
    model: "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/9",
    egressPublicNetworkAccess: "Disabled",
    requestSettings: { requestTimeout: "PT90S", maxConcurrentRequestsPerInstance: 8 },
    livenessProbe: { initialDelay: "PT10M", period: "PT10S", timeout: "PT10S", failureThreshold: 30, successThreshold: 1 },
    readinessProbe: { initialDelay: "PT10M", period: "PT10S", timeout: "PT10S", failureThreshold: 30, successThreshold: 1 },
    provisioningState: "Succeeded",
  },
};

/** Deployment bodies of the sample tenant, reused by generateTenant for large tenants. */
export const SAMPLE_DEPLOYMENTS: readonly EmulatedDeployment[] = [FRAUD_BLUE, FRAUD_GREEN, RECOMMEND_MAIN, RECOMMEND_K8S, CHAT_GPU];

export const SAMPLE_TENANT: EmulatedTenant = {
  subscriptions: [
    {
      id: SAMPLE_SUBSCRIPTION_ID,
      resourceGroups: [
        {
          name: "rg-ml-prod",
          workspaces: [
            { name: "mlw-fraud-prod", isolationMode: "AllowOnlyApprovedOutbound", endpoints: [{ name: "fraud-scoring", deployments: [FRAUD_BLUE, FRAUD_GREEN] }] },
            {
              name: "mlw-recommend-prod",
              endpoints: [
                { name: "recs-online", deployments: [RECOMMEND_MAIN] },
                { name: "recs-arc", deployments: [RECOMMEND_K8S] },
              ],
            },
          ],
          autoscaleSettings: [
            {
              name: "fraud-blue-autoscale",
              target: { workspace: "mlw-fraud-prod", endpoint: "fraud-scoring", deployment: "blue" },
              profiles: [{ name: "business-hours", capacity: { minimum: "3", maximum: "10", default: "3" } }],
            },
          ],
        },
        {
          name: "rg-ml-sandbox",
          workspaces: [{ name: "mlw-genai-sandbox", isolationMode: "AllowInternetOutbound", endpoints: [{ name: "chat", deployments: [CHAT_GPU] }] }],
        },
      ],
    },
  ],
};
