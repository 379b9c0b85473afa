// Pulumi mocks that record every resource a piece of program declares (state = its inputs), for
// tests of one stage or component without the whole plan.
import * as pulumi from "@pulumi/pulumi";

/** Installs the mocks (preview) and returns the list the declarations arrive in. */
export async function recordDeclaredResources(stack: string): Promise<pulumi.runtime.MockResourceArgs[]> {
  const declared: pulumi.runtime.MockResourceArgs[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        declared.push(args);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "tundra-replatform",
    stack,
    true,
  );
  return declared;
}

/** Waits (up to 5 s) until at least `count` declarations arrived: registration is asynchronous. */
export async function declarations(declared: pulumi.runtime.MockResourceArgs[], count: number): Promise<pulumi.runtime.MockResourceArgs[]> {
  for (let i = 0; i < 100 && declared.length < count; i++) await new Promise((r) => setTimeout(r, 50));
  return declared;
}
