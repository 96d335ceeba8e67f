import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";

/**
 * Declares a workspace with one online endpoint and three deployments. The Managed deployment `blue` has an
 * autoscale setting that allows 30 instances, above the default bound of 20, which only the stack check reads.
 * The Managed deployment `green` breaks several limits, and the Kubernetes deployment `k8s-blue` has a request
 * timeout that is known only after apply. `npm run demo` and the pack tests preview it through the policy pack.
 */
export function defineResources(): void {
  const resourceGroupName = "rg-fraud-scoring";

  const workspace = new machinelearningservices.Workspace("fraud-workspace", {
    resourceGroupName,
    workspaceName: "mlw-fraud",
    location: "westeurope",
    managedNetwork: { isolationMode: "Disabled" },
  });

  const endpoint = new machinelearningservices.OnlineEndpoint("fraud-endpoint", {
    resourceGroupName,
    workspaceName: workspace.name,
    endpointName: "fraud-scoring",
    location: "westeurope",
    properties: { authMode: "Key" },
  });

  const probe = { failureThreshold: 5, successThreshold: 1, initialDelay: "PT30S", period: "PT10S", timeout: "PT2S" };

  const blue = new machinelearningservices.OnlineDeployment("blue", {
    resourceGroupName,
    workspaceName: workspace.name,
    endpointName: endpoint.name,
    deploymentName: "blue",
    location: "westeurope",
    sku: { name: "Default", capacity: 3 },
    properties: {
      endpointComputeType: "Managed",
      instanceType: "Standard_DS3_v2",
      egressPublicNetworkAccess: "Disabled",
      requestSettings: { requestTimeout: "PT30S", maxConcurrentRequestsPerInstance: 1 },
      livenessProbe: probe,
      readinessProbe: probe,
      environmentVariables: { SCORING_API_KEY: pulumi.secret("example-key-not-real") },
    },
  });

  new machinelearningservices.OnlineDeployment("green", {
    resourceGroupName,
    workspaceName: workspace.name,
    endpointName: endpoint.name,
    deploymentName: "green",
    location: "westeurope",
    sku: { name: "Default", capacity: 10 },
    properties: {
      endpointComputeType: "Managed",
      instanceType: "Standard_F8s_v2",
      requestSettings: { requestTimeout: "PT5M" },
      livenessProbe: probe,
      readinessProbe: { ...probe, failureThreshold: 60 },
    },
  });

  new machinelearningservices.OnlineDeployment("k8s-blue", {
    resourceGroupName,
    workspaceName: workspace.name,
    endpointName: endpoint.name,
    deploymentName: "k8s-blue",
    properties: {
      endpointComputeType: "Kubernetes",
      instanceType: "defaultinstancetype",
      // Taken from another resource's output, so it is unknown during the first preview.
      requestSettings: { requestTimeout: endpoint.name.apply(() => "PT10S") },
      livenessProbe: probe,
      readinessProbe: probe,
      scaleSettings: { scaleType: "TargetUtilization", minInstances: 1, maxInstances: 5 },
      containerResourceRequirements: {
        containerResourceRequests: { cpu: "1", memory: "2Gi" },
        containerResourceLimits: { cpu: "2", memory: "4Gi" },
      },
    },
  });

  new monitor.AutoscaleSetting("blue-autoscale", {
    resourceGroupName,
    autoscaleSettingName: "blue-autoscale",
    location: "westeurope",
    enabled: true,
    targetResourceUri: blue.id,
    profiles: [{ name: "business-hours", capacity: { minimum: "2", maximum: "30", default: "3" }, rules: [] }],
  });
}
