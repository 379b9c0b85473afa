// CrossGuard entry point: `pulumi preview --policy-pack policy` (docs/review.md). Constructing the
// PolicyPack starts the analyzer's gRPC server, so the policies themselves live in pack.ts, where
// tests can call them without a server.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, TUNDRA_POLICIES } from "./pack";

new PolicyPack(PACK_NAME, { enforcementLevel: "mandatory", policies: TUNDRA_POLICIES });
