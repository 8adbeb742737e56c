// Typed operations from the gateway's printed schema: an operation that no longer matches
// the schema fails `npm run codegen`, and so the build. Each operation also carries its sha256
// (Apollo's persisted query hash), and src/gql/persisted-documents.json lists them all
// (hash → document): the build ships it as dist/trusted-documents.json, the manifest the
// gateway runs in production (gateway/persisted.py).
import type { CodegenConfig } from '@graphql-codegen/cli'

const config: CodegenConfig = {
  schema: '../gateway/schema.graphql',
  documents: ['src/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
      config: {
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { EntryData: 'Record<string, unknown>', ID: 'string', Upload: 'File' },
      },
    },
  },
}
export default config
