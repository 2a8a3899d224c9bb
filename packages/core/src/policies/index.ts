export { maxTokens, type MaxTokensOptions } from './max-tokens.js';
export { stopOn, type StopOnOptions, type StopPattern } from './stop-on.js';
