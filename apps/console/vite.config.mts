// Builds the console into dist/: hashed assets under assets/ (served immutable by the gateway) and
// index.html (served no-cache). The contract's descriptors come from @omega/proto's build, without
// their comments, as the module `./descriptor-set` of src/ (typed by src/descriptor-set.d.ts).
import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

const require = createRequire(import.meta.url);
const VIRTUAL = 'omega-descriptor-set';

function omegaDescriptors(): Plugin {
  return {
    name: 'omega-descriptors',
    resolveId: (id, importer) =>
      id === './descriptor-set' && importer?.endsWith('/src/gateway-client.ts')
        ? `\0${VIRTUAL}`
        : undefined,
    load(id) {
      if (id !== `\0${VIRTUAL}`) return undefined;
      const { DESCRIPTOR_SET_BASE64 } = require('@omega/proto') as {
        DESCRIPTOR_SET_BASE64: string;
      };
      const set = fromBinary(FileDescriptorSetSchema, Buffer.from(DESCRIPTOR_SET_BASE64, 'base64'));
      for (const file of set.file) file.sourceCodeInfo = undefined;
      const stripped = Buffer.from(toBinary(FileDescriptorSetSchema, set)).toString('base64');
      return `export const DESCRIPTOR_SET_BASE64 = ${JSON.stringify(stripped)};`;
    },
  };
}

export default defineConfig({
  plugins: [react(), omegaDescriptors()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
    // Nothing inlined as data: URLs, so the CSP needs no data: for scripts or styles.
    assetsInlineLimit: 0,
  },
});
