import { eventFrame, type ResponseFrames, spliceTemplate } from './frames.js';
import type { ReplayPlan } from './replay-plan.js';

const marker = '\u0000delta\u0000';
const sequenceMarker = 987654321;

/** The Responses API's response object for `plan`, in a given state. */
function responseObject(plan: ReplayPlan, done: boolean) {
  const incomplete = done && plan.finishReason === 'length';
  const output: unknown[] = [];
  if (done && plan.reasoning && plan.reasoning.count > 0)
    output.push(reasoningItem(plan, plan.reasoning.text));
  if (done && plan.output.count > 0) output.push(messageItem(plan, plan.output.text));
  return {
    id: plan.id,
    object: 'response',
    created_at: plan.created,
    status: done ? (incomplete ? 'incomplete' : 'completed') : 'in_progress',
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: null,
    max_output_tokens: plan.maxTokens ?? null,
    model: plan.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: done
      ? {
          input_tokens: plan.inputTokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: plan.outputTokens,
          output_tokens_details: { reasoning_tokens: plan.reasoningTokens },
          total_tokens: plan.inputTokens + plan.outputTokens,
        }
      : null,
    user: null,
    metadata: {},
  };
}

const reasoningId = (plan: ReplayPlan) => `rs_${plan.id.replace(/^resp_/, '')}`;
const messageId = (plan: ReplayPlan) => `msg_${plan.id.replace(/^resp_/, '')}`;

function reasoningItem(plan: ReplayPlan, text: string | undefined) {
  return {
    id: reasoningId(plan),
    type: 'reasoning',
    summary: text === undefined ? [] : [{ type: 'summary_text', text }],
  };
}

function messageItem(plan: ReplayPlan, text: string | undefined) {
  return {
    id: messageId(plan),
    type: 'message',
    status: text === undefined ? 'in_progress' : 'completed',
    role: 'assistant',
    content: text === undefined ? [] : [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  };
}

/**
 * Responses API framing (`event:` + `data:` lines): response.created, then the reasoning as a
 * reasoning item whose summary streams as `response.reasoning_summary_text.delta` events, then
 * the message item with `response.output_text.delta` events, then `response.completed` (or
 * `response.incomplete` when cut at the output cap) carrying the usage.
 */
export function openAIResponsesFrames(plan: ReplayPlan): ResponseFrames {
  let sequence = 0;
  const hasReasoning = plan.reasoning !== undefined && plan.reasoning.count > 0;
  const messageIndex = hasReasoning ? 1 : 0;
  const event = (type: string, data: Record<string, unknown>) =>
    eventFrame(type, { type, sequence_number: sequence++, ...data });
  const deltaBuilder = (type: string, data: Record<string, unknown>) => {
    const template = eventFrame(type, { type, sequence_number: sequenceMarker, ...data, delta: marker });
    const at = template.indexOf(String(sequenceMarker));
    const before = template.slice(0, at);
    const build = spliceTemplate(template.slice(at + String(sequenceMarker).length), marker);
    return (delta: string) => before + String(sequence++) + build(delta);
  };
  const summary = { item_id: reasoningId(plan), output_index: 0, summary_index: 0 };
  const content = { item_id: messageId(plan), output_index: messageIndex, content_index: 0 };
  return {
    head: () => [
      event('response.created', { response: responseObject(plan, false) }),
      event('response.in_progress', { response: responseObject(plan, false) }),
    ],
    reasoningHead: () => [
      event('response.output_item.added', { output_index: 0, item: reasoningItem(plan, undefined) }),
      event('response.reasoning_summary_part.added', {
        ...summary,
        part: { type: 'summary_text', text: '' },
      }),
    ],
    reasoningDelta: deltaBuilder('response.reasoning_summary_text.delta', summary),
    reasoningTail: (text) => [
      event('response.reasoning_summary_text.done', { ...summary, text }),
      event('response.reasoning_summary_part.done', { ...summary, part: { type: 'summary_text', text } }),
      event('response.output_item.done', { output_index: 0, item: reasoningItem(plan, text) }),
    ],
    textHead: () => [
      event('response.output_item.added', { output_index: messageIndex, item: messageItem(plan, undefined) }),
      event('response.content_part.added', {
        ...content,
        part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
      }),
    ],
    textDelta: deltaBuilder('response.output_text.delta', { ...content, logprobs: [] }),
    textTail: (text) => [
      event('response.output_text.done', { ...content, text, logprobs: [] }),
      event('response.content_part.done', {
        ...content,
        part: { type: 'output_text', text, annotations: [], logprobs: [] },
      }),
      event('response.output_item.done', { output_index: messageIndex, item: messageItem(plan, text) }),
    ],
    tail: () => [
      event(plan.finishReason === 'length' ? 'response.incomplete' : 'response.completed', {
        response: responseObject(plan, true),
      }),
    ],
    body: () => responseObject(plan, true),
  };
}
