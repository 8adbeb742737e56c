// Typed operations from the gateway's printed schema: an operation that no longer matches
// the schema fails `npm run codegen`, and so the build.
import type { CodegenConfig } from '@graphql-codegen/cli'

const config: CodegenConfig = {
  schema: '../gateway/schema.graphql',
  documents: ['src/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
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
