// One typed error for the web layer: an HTTP status, a machine code and a message key.

/** HttpError is thrown (or passed to next) to answer with a status and a translated page. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message?: string,
  ) {
    super(message ?? code);
    this.name = 'HttpError';
  }
}

/** assertNever marks a switch as exhaustive: adding a case to the union makes the call a type error. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
