import { packageConfig } from '../../tsup.package.js';

export default packageConfig({ index: 'src/index.ts', cli: 'src/cli.ts', 'tune-cli': 'src/tune/cli.ts' });
