import { defineResources } from "./program";

// Entry point for a real `pulumi preview --policy-pack ..` run of the example program.
defineResources();
