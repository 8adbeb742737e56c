// What the build adds to dist beside the bundles: the trusted documents manifest the gateway runs in
// production, the service worker with the list of the shell's hashed files it precaches, and in
// index.html the preload of the signed-in frame for a visitor who has a token.
import { createHash } from 'node:crypto'
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

// the shell's pages loaded lazily by the router (the sign-in page is in the entry): precached with
// the entry and what it imports
const SHELL_PAGES = /(ChangePasswordPage|AppLayout|HomePage)\.vue$/

/** dist/sw.js from web/sw.js: the shell's files (index.html, the entry with the sign-in page, its
 *  imports and styles, the frame) and a version that changes with them. */
export function serviceWorker(): Plugin {
  return {
    name: 'tmis-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const shell = new Set<string>()
      const add = (fileName: string): void => {
        const chunk = bundle[fileName]
        if (!chunk || chunk.type !== 'chunk' || shell.has(fileName)) return
        shell.add(fileName)
        for (const css of chunk.viteMetadata?.importedCss ?? []) shell.add(css)
        chunk.imports.forEach(add)
      }
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && (chunk.isEntry || SHELL_PAGES.test(chunk.facadeModuleId ?? ''))) add(chunk.fileName)
      }
      const files = ['/index.html', ...[...shell].sort().map((f) => `/${f}`)]
      const template = readFileSync('sw.js', 'utf-8')
      const version = createHash('sha256').update(template).update(files.join('\n')).digest('hex').slice(0, 16)
      const source = template.replace('__VERSION__', version).replace('__SHELL__', JSON.stringify(files))
      this.emitFile({ type: 'asset', fileName: 'sw.js', source })
    },
  }
}

/** index.html: for a visitor with a token (signed in on this device), the `record` chunk (the frame
 *  and the teacher's record page) is fetched with the entry, not once the entry has run, and its styles
 *  are applied while the page is still empty (applied later, they restyle the whole frame in one long
 *  task). After the entry's stylesheet: the sign-in page's first paint gets the line first. */
export function signedInPreload(): Plugin {
  return {
    name: 'tmis-signed-in-preload',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        const chunk = Object.values(bundle ?? {}).find((c) => c.type === 'chunk' && c.name === 'record')
        if (!chunk || chunk.type !== 'chunk') return html
        const links = [['modulepreload', chunk.fileName], ...[...(chunk.viteMetadata?.importedCss ?? [])].map((css) => ['stylesheet', css])]
        // crossOrigin as Vite's own links have it, so that its loader finds them and adds none
        const add = `for(const[r,h]of${JSON.stringify(links)}){const l=document.createElement('link');l.rel=r;l.crossOrigin='';l.href='/'+h;document.head.append(l)}`
        return html.replace('</head>', `  <script>if(localStorage.getItem('tmis.token'))${add}</script>\n  </head>`)
      },
    },
  }
}
