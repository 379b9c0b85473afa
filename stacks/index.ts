// Pulumi entry point (Pulumi.yaml `main: stacks/`). The program itself is in ./program.
import { runTenantStack } from "./program";

export = runTenantStack;
