import { ErrorBody, ErrorCode } from '@vident/protocol';
import { STATUS_FOR_CODE } from '../base/http-error.ts';
import { jsonSchema } from './openapi-parts.ts';

/*
 * The error body and every error code with the HTTP status it is answered with, generated from the
 * protocol's ErrorCode and the control plane's STATUS_FOR_CODE (a Record over every code), so a new
 * code appears here with its status without anyone editing the document.
 */

/** `| code | status |` rows of every ErrorCode, in the enum's order. */
function statusTable(): string {
  return ['| code | HTTP status |', '|---|---|', ...ErrorCode.options.map((code) => `| \`${code}\` | ${STATUS_FOR_CODE[code]} |`)].join('\n');
}

/** The errors in short, for the API's description: the table itself is on the ErrorCode schema. */
export const ERRORS_DESCRIPTION =
  '**Errors.** Every error answers `{ "error": { "code", "message" } }` (the ErrorBody schema). Branch on `code`, which is stable; `message` is for people and may change. A 5xx never carries details. The ErrorCode schema (under Schemas) lists every code with the HTTP status it is answered with.';

export const errorSchemas = {
  ErrorBody: {
    ...jsonSchema(ErrorBody, 'output'),
    description: "Every error's body. Branch on `error.code` (ErrorCode lists each with its HTTP status); `message` is for people.",
  },
  ErrorCode: {
    ...jsonSchema(ErrorCode, 'output'),
    description: ['Stable, machine-readable error codes and the HTTP status each is answered with (also as `x-http-status`).', '', statusTable()].join('\n'),
    'x-http-status': Object.fromEntries(ErrorCode.options.map((code) => [code, STATUS_FOR_CODE[code]])),
  },
};
