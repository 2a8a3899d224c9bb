import { packageConfig } from '../../tsup.package.js';

export default packageConfig({
  index: 'src/index.ts',
  'adapter/index': 'src/adapter/index.ts',
  'sse/index': 'src/sse/index.ts',
  'node/index': 'src/node/index.ts',
});
