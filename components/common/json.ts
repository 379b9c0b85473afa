/** JSON text that does not parse, named by what it was (a control object, an env variable...). */
export class JsonSyntaxError extends Error {
  constructor(readonly what: string, readonly reason: string) {
    super(`${what} is not valid JSON: ${reason}`);
    this.name = "JsonSyntaxError";
  }
}

/** JSON.parse, but a syntax error names what was read. The value is unchecked: give it to a schema. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new JsonSyntaxError(what, (err as Error).message);
  }
}
