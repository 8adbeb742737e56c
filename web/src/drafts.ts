// Drafts of a form in IndexedDB, one per form and version: what was typed survives a reload, a
// closed tab or a lost network, and is offered back when the form is opened again. A form is a
// record's 基本信息 (`<teacher>/basic`) or one entry of a set (`<teacher>/<set>/<entry id, or new>`).
// The version is the record's the values were based on: saving them sends it, so a record changed
// meanwhile answers VERSION_CONFLICT instead of being overwritten.
export interface Draft { key: string; record: string; version: number; values: Record<string, unknown>; at: string }

const STORE = 'drafts'
let db: Promise<IDBDatabase> | null = null

function open(): Promise<IDBDatabase> {
  db ??= new Promise((resolve, reject) => {
    const opening = indexedDB.open('tmis', 1)
    opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, { keyPath: 'key' }).createIndex('record', 'record')
    opening.onsuccess = () => resolve(opening.result)
    opening.onerror = () => reject(opening.error)
  })
  return db
}

async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const store = (await open()).transaction(STORE, mode).objectStore(STORE)
  return new Promise((resolve, reject) => {
    const request = act(store)
    store.transaction.oncomplete = () => resolve(request ? request.result : undefined)
    store.transaction.onerror = () => reject(store.transaction.error)
  })
}

async function drafts(record: string): Promise<Draft[]> {
  return (await run<Draft[]>('readonly', (s) => s.index('record').getAll(record))) ?? []
}

export async function saveDraft(record: string, version: number, values: Record<string, unknown>): Promise<void> {
  const draft: Draft = { key: `${record}@${version}`, record, version, values: JSON.parse(JSON.stringify(values)), at: new Date().toISOString() }
  await run('readwrite', (s) => s.put(draft))
}

/** The record's latest draft (of any version), or null. */
export async function latestDraft(record: string): Promise<Draft | null> {
  const found = await drafts(record)
  return found.sort((x, y) => y.at.localeCompare(x.at))[0] ?? null
}

export async function dropDrafts(record: string): Promise<void> {
  const keys = (await drafts(record)).map((d) => d.key)
  await run('readwrite', (s) => keys.forEach((k) => s.delete(k)))
}
