import mongoose from 'mongoose'

let scans: Promise<boolean> | undefined

/**
 * True on the embedded database (FerretDB 1.x on SQLite), which pushes down only `_id` equality: every
 * other filter, `_id: { $in }` included, reads the whole collection, so many small `$in` lookups cost
 * many full scans (measured by `npm run bench:import`: 766 s for 100,000 rows one chunk at a time).
 * Callers that look up many ids then read once instead. On MongoDB `$in` uses the `_id` index.
 */
export function databaseScansFilters(): Promise<boolean> {
  scans ??= (async () => {
    const db = mongoose.connection.db
    if (!db) throw new Error('the database is not connected')
    const info = await db.admin().command({ buildInfo: 1 })
    return typeof info.ferretdbVersion === 'string'
  })().catch(() => {
    // Unknown: ask again next time, and meanwhile use `$in`, which is right everywhere.
    scans = undefined
    return false
  })
  return scans
}
