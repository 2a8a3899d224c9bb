import type OpenAI from 'openai';
import { APIError } from 'openai';
import { type ProviderStreamPart, StreamError } from 'stopwise';
import { mapResponsesFinishReason } from './finish-reason.js';
import { mapTokenLogprobs } from './logprobs.js';
import { eachEvent, eventPayload, openSseBody } from './sse-body.js';
import { compact, type StreamContext, wireMessages, withExtraBody } from './stream-context.js';
import { responsesUsage } from './usage.js';

type ResponsesEvent = OpenAI.Responses.ResponseStreamEvent;
type ResponsesBody = OpenAI.Responses.ResponseCreateParamsStreaming;
type ResponseObject = OpenAI.Responses.Response;

// Output items that hand control back to the caller to run a tool (the rest run server-side).
const clientToolCalls = new Set(['function_call', 'custom_tool_call', 'computer_call', 'local_shell_call']);

/** The Responses API request body for a call: the messages as `input`, always streaming. */
export function responsesBody(context: StreamContext): ResponsesBody {
  const { request, options } = context;
  const reasoning = compact({ effort: options.reasoningEffort, summary: options.reasoningSummary });
  const body = {
    model: request.model,
    input: wireMessages(request.messages),
    stream: true as const,
    ...compact({
      max_output_tokens: request.maxOutputTokens,
      temperature: request.temperature,
      user: request.user,
      include: request.logprobs ? ['message.output_text.logprobs'] : undefined,
      top_logprobs: request.logprobs ? options.topLogprobs : undefined,
      top_p: options.topP,
      reasoning: Object.keys(reasoning).length > 0 ? reasoning : undefined,
      service_tier: options.serviceTier,
      store: options.store,
      metadata: options.metadata,
      safety_identifier: options.safetyIdentifier,
      prompt_cache_key: options.promptCacheKey,
      text: options.verbosity === undefined ? undefined : { verbosity: options.verbosity },
    }),
  };
  return withExtraBody(body as ResponsesBody, options.extraBody);
}

/**
 * Streams a Responses API call: `response.created` gives the metadata, `response.output_text.delta`
 * the text, `response.reasoning_summary_text.delta` and `response.reasoning_text.delta` the
 * reasoning (separate summary parts joined by a blank line), and `response.completed` or
 * `response.incomplete` the finish with usage. `error` and `response.failed` throw. The stream ends
 * at the first finish: a server sends nothing after it.
 */
export async function* streamResponses(context: StreamContext): AsyncGenerator<ProviderStreamPart> {
  const { client, request } = context;
  const { batches, headers } = await openSseBody(
    client.responses.create(responsesBody(context), context.sdkOptions),
    context,
  );
  yield { type: 'stream-start' };
  let reasoningPart: string | undefined;
  for await (const sse of eachEvent(batches)) {
    const event = eventPayload<ResponsesEvent>(sse, headers);
    if (event === undefined) continue;
    switch (event.type) {
      case 'response.created':
        yield { type: 'response-metadata', id: event.response.id, model: event.response.model };
        break;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta': {
        if (event.delta === '') break;
        const part =
          event.type === 'response.reasoning_text.delta'
            ? `${event.item_id}/text/${event.content_index}`
            : `${event.item_id}/summary/${event.summary_index}`;
        const separator = reasoningPart !== undefined && reasoningPart !== part ? '\n\n' : '';
        reasoningPart = part;
        yield { type: 'reasoning-delta', delta: separator + event.delta };
        break;
      }
      case 'response.output_text.delta': {
        if (request.logprobs) {
          const tokens = mapTokenLogprobs(event.logprobs);
          if (tokens.length > 0) yield { type: 'logprobs', tokens };
        }
        if (event.delta !== '') yield { type: 'text-delta', delta: event.delta };
        break;
      }
      case 'response.completed':
      case 'response.incomplete':
        yield finishPart(event.response);
        return;
      case 'response.failed':
        throw apiErrorOf(
          event.response.error?.code,
          event.response.error?.message ?? 'the response failed',
          headers,
        );
      case 'error':
        // eventPayload throws for `{ error: {...} }` events; this is the flat `{ code, message }` shape.
        throw apiErrorOf(event.code ?? undefined, event.message, headers);
    }
  }
  request.signal.throwIfAborted();
  throw new StreamError(
    `${context.provider} stream ended without response.completed (connection closed early?)`,
  );
}

function finishPart(response: ResponseObject): ProviderStreamPart {
  const finishReason = mapResponsesFinishReason({
    status: response.status,
    incompleteReason: response.incomplete_details?.reason,
    hasToolCalls: (response.output ?? []).some((item) => clientToolCalls.has(item.type)),
  });
  return { type: 'finish', finishReason, usage: responsesUsage(response.usage) };
}

// Built as the SDK builds in-stream errors, so one mapping (mapOpenAIError) handles every failure;
// with the response's headers, which hold its request id.
function apiErrorOf(code: string | undefined, message: string, headers: Headers): APIError {
  return new APIError(undefined, { code, message }, undefined, headers);
}
