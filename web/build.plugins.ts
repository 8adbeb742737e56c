// What the build adds to dist beside the bundles: the trusted documents manifest the gateway runs in
// production, and the service worker with the list of the shell's hashed files it precaches.
import { readFileSync } from 'node:fs'
import type { Plugin } from 'vite'

/** dist/trusted-documents.json: every operation of the client, sha256 → document (gateway/persisted.py). */
export function trustedDocuments(): Plugin {
  return {
    name: 'tmis-trusted-documents',
    apply: 'build',
    generateBundle() {
      const generated = JSON.parse(readFileSync('src/gql/persisted-documents.json', 'utf-8')) as Record<string, string>
      const manifest = Object.fromEntries(Object.entries(generated).map(([hash, document]) => [hash.replace(/^sha256:/, ''), document]))
      this.emitFile({ type: 'asset', fileName: 'trusted-documents.json', source: `${JSON.stringify(manifest, null, 1)}\n` })
    },
  }
}
