// Pulumi entry point (Pulumi.yaml `main: stacks/`). `tundra:role` picks the program: the OCI
// tenant program (./program, the default) or the AWS-side stack (./aws-side); see ./roles.
import { runStack } from "./roles";

export = runStack;
