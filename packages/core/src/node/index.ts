export { type FileStore, type FileStoreOptions, fileStore } from './file-store.js';
export {
  type JsonlFileExporter,
  type JsonlFileExporterOptions,
  jsonlFileExporter,
} from './jsonl-exporter.js';
