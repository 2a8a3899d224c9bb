import { eventFrame, type ResponseFrames, spliceTemplate } from './frames.js';
import type { ReplayPlan } from './replay-plan.js';

const marker = '\u0000delta\u0000';
// Anthropic signs thinking blocks; a replayed block carries a recognisably fake signature.
const signature = 'cmVwbGF5ZWQgYnkgc3RvcHdpc2U=';

const stopReason = (plan: ReplayPlan) => (plan.finishReason === 'length' ? 'max_tokens' : 'end_turn');

/**
 * Anthropic Messages framing (`event:` + `data:` lines), as in Anthropic's recorded streams:
 * message_start, a `thinking` block (thinking_delta events, then a signature_delta) when the
 * record has reasoning, a `text` block, message_delta with the stop reason and output tokens,
 * message_stop. A ping follows the first block start, as the API sends one.
 */
export function anthropicFrames(plan: ReplayPlan): ResponseFrames {
  const hasReasoning = plan.reasoning !== undefined && plan.reasoning.count > 0;
  const textIndex = hasReasoning ? 1 : 0;
  let pinged = false;
  const ping = () => {
    if (pinged) return [];
    pinged = true;
    return [eventFrame('ping', { type: 'ping' })];
  };
  const delta = (index: number, body: Record<string, unknown>) =>
    spliceTemplate(
      eventFrame('content_block_delta', { type: 'content_block_delta', index, delta: body }),
      marker,
    );
  const blockStart = (index: number, block: Record<string, unknown>) => [
    eventFrame('content_block_start', { type: 'content_block_start', index, content_block: block }),
    ...ping(),
  ];
  const blockStop = (index: number) =>
    eventFrame('content_block_stop', { type: 'content_block_stop', index });
  return {
    head: () => [
      eventFrame('message_start', {
        type: 'message_start',
        message: {
          id: plan.id,
          type: 'message',
          role: 'assistant',
          model: plan.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: plan.inputTokens,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            output_tokens: 1,
          },
        },
      }),
    ],
    reasoningHead: () => blockStart(0, { type: 'thinking', thinking: '', signature: '' }),
    reasoningDelta: delta(0, { type: 'thinking_delta', thinking: marker }),
    reasoningTail: () => [
      eventFrame('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'signature_delta', signature },
      }),
      blockStop(0),
    ],
    textHead: () => blockStart(textIndex, { type: 'text', text: '' }),
    textDelta: delta(textIndex, { type: 'text_delta', text: marker }),
    textTail: () => [blockStop(textIndex)],
    tail: () => [
      eventFrame('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stopReason(plan), stop_sequence: null },
        usage: { output_tokens: plan.outputTokens },
      }),
      eventFrame('message_stop', { type: 'message_stop' }),
    ],
    body: () => ({
      id: plan.id,
      type: 'message',
      role: 'assistant',
      model: plan.model,
      content: [
        ...(hasReasoning ? [{ type: 'thinking', thinking: plan.reasoning?.text, signature }] : []),
        ...(plan.output.count > 0 ? [{ type: 'text', text: plan.output.text }] : []),
      ],
      stop_reason: stopReason(plan),
      stop_sequence: null,
      usage: { input_tokens: plan.inputTokens, output_tokens: plan.outputTokens },
    }),
  };
}
