export {
  type JsonlFileExporter,
  type JsonlFileExporterOptions,
  jsonlFileExporter,
} from './jsonl-exporter.js';
