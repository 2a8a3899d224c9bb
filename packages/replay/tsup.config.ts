import { packageConfig } from '../../tsup.package.js';

// The library: ESM and CommonJS. The CLIs are built by tsup.bin.config.ts, ESM only.
export default packageConfig({ index: 'src/index.ts' });
