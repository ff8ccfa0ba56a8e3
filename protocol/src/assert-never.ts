/** Exhaustiveness check for a `switch` over a discriminated union: a new variant fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
