// After `vite build`: every text asset of dist also as .gz and .br (best compression, once, at build
// time), so the gateway sends the smaller file a browser accepts without compressing per request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const TEXT = /\.(js|mjs|css|html|svg|json|webmanifest|txt|map)$/

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* files(path)
    else if (TEXT.test(name)) yield path
  }
}

for (const path of files('dist')) {
  const data = readFileSync(path)
  if (data.length < 512) continue // smaller than the headers it would save
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }))
  writeFileSync(`${path}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }))
}
