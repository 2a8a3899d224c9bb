import { binConfig } from '../../tsup.package.js';

// `stopwise-replay` and `stopwise-tune`: ESM programs (top-level await), built after the library.
export default binConfig({ cli: 'src/cli.ts', 'tune-cli': 'src/tune/cli.ts' });
