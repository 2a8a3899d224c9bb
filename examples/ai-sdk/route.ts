import { type StopwiseMetadata, stopwiseMiddleware, stopwiseOptions } from '@stopwise/ai-sdk';
import { streamText, wrapLanguageModel } from 'ai';

/** A model the AI SDK can wrap (a provider's `LanguageModelV3`). */
export type WrappableModel = Parameters<typeof wrapLanguageModel>[0]['model'];

/** Options of {@link createChatRoute}. */
export interface ChatRouteOptions {
  /** The AI SDK model to answer a question with (e.g. `openai.chat('gpt-4o-mini')`). */
  modelFor: (question: string) => WrappableModel;
  /** The preset of users who have none in `presets`. Default `balanced`. */
  profile?: string | undefined;
  /** Each user's preset, by user id. */
  presets?: Record<string, string> | undefined;
  /** The provider's output cap on every call. Default 1024. */
  maxOutputTokens?: number | undefined;
}

/** What the route puts on the answer's finish, for the page (`message.metadata.stopwise`). */
export interface AnswerMetadata {
  stopwise: Pick<StopwiseMetadata, 'outcome' | 'profile' | 'stop' | 'usage' | 'savings'>;
}

/**
 * `POST /api/chat` the Next.js way: a `(req: Request) => Response` handler (in a Next.js app,
 * `export const POST = createChatRoute(...)` in `app/api/chat/route.ts`). It reads
 * `{ question, user }`, streams the answer with `streamText` over a model wrapped by stopwise's
 * middleware, and answers with the AI SDK's UI message stream (what `useChat` reads); the
 * finish carries where stopwise stopped and what that saved, as message metadata.
 */
export function createChatRoute(options: ChatRouteOptions): (req: Request) => Promise<Response> {
  // One middleware for the app: its client keeps the totals and what it learns across calls.
  const middleware = stopwiseMiddleware({
    profile: options.profile ?? 'balanced',
    profiles: options.presets,
  });
  return async (req) => {
    if (req.method !== 'POST') return new Response('POST { question, user }\n', { status: 405 });
    const body = (await req.json().catch(() => undefined)) as
      | { question?: unknown; user?: unknown }
      | undefined;
    if (typeof body?.question !== 'string' || body.question === '') {
      return Response.json(
        { error: 'the body must be JSON { question: string, user?: string }' },
        { status: 400 },
      );
    }
    const model = wrapLanguageModel({ model: options.modelFor(body.question), middleware });
    const result = streamText({
      model,
      prompt: body.question,
      maxOutputTokens: options.maxOutputTokens ?? 1024,
      // The browser going away aborts the call, and with it the provider's request.
      abortSignal: req.signal,
      providerOptions: stopwiseOptions({ user: typeof body.user === 'string' ? body.user : undefined }),
    });
    return result.toUIMessageStreamResponse({
      messageMetadata: ({ part }): AnswerMetadata | undefined => {
        if (part.type !== 'finish-step') return undefined;
        const stopwise = part.providerMetadata?.stopwise as unknown as StopwiseMetadata | undefined;
        if (!stopwise) return undefined;
        const { outcome, profile, stop, usage, savings } = stopwise;
        return { stopwise: { outcome, profile, stop, usage, savings } };
      },
    });
  };
}
