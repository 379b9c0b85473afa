// How the human forms (tree, diff) show an input value: large strings (the agent bundle, user
// data, metadata documents) as size plus SHA-256 and, for text, a short head; `full` shows them
// whole. Values the plan mocks made up are marked.
import { digest } from "./mocks";

/** Strings longer than this are summarised unless `full`. */
export const LARGE_VALUE_CHARS = 200;
const HEAD_CHARS = 60;

export interface ShowOptions {
  full?: boolean;
  /** Values the mocks made up (Plan.mockValues): a string equal to or containing one is marked. */
  mockValues?: readonly string[];
}

/** Base64 that decodes to printable text (cloud-init user data): its head is shown decoded. */
function decodedText(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  const text = Buffer.from(value, "base64").toString("utf8");
  return /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/.test(text) && !text.includes("\ufffd") ? text : undefined;
}

/** `<10200 chars sha256:1a2b3c4d5e6f "head…">` for a large string; base64 text says so. */
export function largeValueSummary(value: string): string {
  const decoded = decodedText(value);
  const text = decoded ?? value;
  const printable = /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/.test(text);
  const head = printable ? ` ${JSON.stringify(text.slice(0, HEAD_CHARS))}…` : "";
  return `<${value.length} chars sha256:${digest(value, 12)}${decoded !== undefined ? " base64 of" : ""}${head}>`;
}

export function isMockValue(value: string, mockValues: readonly string[] = []): boolean {
  return mockValues.some((m) => value === m || (m.length >= 8 && value.includes(m)));
}

/** One value on one line: JSON, with large strings summarised and mock-made strings marked. */
export function showValue(value: unknown, options: ShowOptions = {}): string {
  if (typeof value === "string") {
    const shown = !options.full && value.length > LARGE_VALUE_CHARS ? largeValueSummary(value) : JSON.stringify(value);
    return isMockValue(value, options.mockValues) ? `${shown} (mock)` : shown;
  }
  if (Array.isArray(value)) return `[${value.map((v) => showValue(v, options)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${showValue(v, options)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
