import type { TokenLogprob } from 'stopwise';

interface WireTokenLogprob {
  token?: string | undefined;
  logprob?: number | undefined;
  top_logprobs?:
    | ReadonlyArray<{ token?: string | undefined; logprob?: number | undefined }>
    | null
    | undefined;
}

/**
 * Token logprobs in the Chat Completions (`choices[].logprobs.content`) and Responses
 * (`response.output_text.delta` `logprobs`) shape: `{ token, logprob, top_logprobs }`.
 */
export function mapTokenLogprobs(items: readonly WireTokenLogprob[] | null | undefined): TokenLogprob[] {
  const tokens: TokenLogprob[] = [];
  for (const item of items ?? []) {
    if (typeof item.token !== 'string' || typeof item.logprob !== 'number') continue;
    const top = (item.top_logprobs ?? []).flatMap((alt) =>
      typeof alt.token === 'string' && typeof alt.logprob === 'number'
        ? [{ token: alt.token, logprob: alt.logprob }]
        : [],
    );
    tokens.push(
      top.length > 0
        ? { token: item.token, logprob: item.logprob, topLogprobs: top }
        : { token: item.token, logprob: item.logprob },
    );
  }
  return tokens;
}

/** Logprobs of a legacy Completions choice: parallel arrays, alternatives as `{ token: logprob }` maps. */
export interface CompletionLogprobsWire {
  tokens?: readonly string[] | undefined;
  token_logprobs?: readonly (number | null)[] | undefined;
  top_logprobs?: ReadonlyArray<Readonly<Record<string, number>> | null> | undefined;
}

/** Token logprobs of a legacy Completions chunk. */
export function mapCompletionLogprobs(logprobs: CompletionLogprobsWire | null | undefined): TokenLogprob[] {
  const tokens: TokenLogprob[] = [];
  const names = logprobs?.tokens ?? [];
  names.forEach((token, index) => {
    const logprob = logprobs?.token_logprobs?.[index];
    if (typeof logprob !== 'number') return;
    const alternatives = logprobs?.top_logprobs?.[index];
    const top = alternatives
      ? Object.entries(alternatives).map(([alt, value]) => ({ token: alt, logprob: value }))
      : [];
    tokens.push(top.length > 0 ? { token, logprob, topLogprobs: top } : { token, logprob });
  });
  return tokens;
}
