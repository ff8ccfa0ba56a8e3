/** Bad arguments or missing credentials: main.ts prints the message and exits 2. */
export class UsageError extends Error {}
