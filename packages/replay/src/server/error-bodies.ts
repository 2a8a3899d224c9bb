import type { ReplayApi } from './parse-request.js';

/** Why the server refused a request: maps to each provider's own error type. */
export type ReplayErrorKind = 'not-found' | 'invalid-request' | 'method-not-allowed';

const status: Record<ReplayErrorKind, number> = {
  'not-found': 404,
  'invalid-request': 400,
  'method-not-allowed': 405,
};

/**
 * An error in the provider's own shape and status, so the official clients raise their usual
 * errors: OpenAI `{ error: { message, type, param, code } }`, Anthropic
 * `{ type: 'error', error: { type, message } }`.
 */
export function errorResponse(
  api: ReplayApi,
  kind: ReplayErrorKind,
  message: string,
): { status: number; body: unknown } {
  if (api === 'messages') {
    const type = kind === 'not-found' ? 'not_found_error' : 'invalid_request_error';
    return { status: status[kind], body: { type: 'error', error: { type, message } } };
  }
  const code =
    kind === 'not-found' ? 'not_found' : kind === 'method-not-allowed' ? 'method_not_allowed' : null;
  return {
    status: status[kind],
    body: { error: { message, type: 'invalid_request_error', param: null, code } },
  };
}
