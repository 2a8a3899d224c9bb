export { GenAI, providerName, Stopwise } from './attributes.js';
export { type OtelTelemetryOptions, otelTelemetry } from './otel-telemetry.js';
