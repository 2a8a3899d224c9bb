export { isLearningStore, type LearningStore, type StoreValue } from './learning-store.js';
export {
  createMemoryStore,
  type MemoryStore,
  type MemoryStoreOptions,
  type StoreEntry,
} from './memory-store.js';
export {
  lengthHistoryIn,
  type StoreLengthHistoryOptions,
  type StoreSavingsHistoryOptions,
  savingsHistoryIn,
  tunerEvidenceIn,
} from './store-views.js';
