import { runAuditDemo } from "../../src/demo/audit-demo";

describe("runAuditDemo", () => {
  test("audits the sample tenant", async () => {
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });

    let exitCode: number;
    try {
      ({ exitCode } = await runAuditDemo());
    } finally {
      write.mockRestore();
    }

    // The sample tenant has Managed deployments with a request timeout above the default maximum.
    expect(exitCode).toBe(1);
    expect(written.join("")).toMatch(/5 resources: 2 passed, 0 warned, 3 failed/);
    expect(written.join("")).toContain("Listing source: arm");
    expect(written.join("")).toMatch(/Resource Manager endpoint: http:\/\/127\.0\.0\.1:\d+\/, api-version 2025-06-01\./);
  });
});
