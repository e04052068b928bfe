import mongoose from 'mongoose'

declare global {
  // One connection per process, kept on the global object so dev rebuilds reuse it.
  var __portalDatabase: Promise<typeof mongoose> | undefined
}

mongoose.set('strictQuery', true)
// Fail fast when the database is unreachable instead of queueing work for ten seconds.
mongoose.set('bufferTimeoutMS', 2_500)

export function connectDatabase(uri = process.env.MONGODB_URI) {
  if (!globalThis.__portalDatabase) {
    if (!uri) throw new Error('MONGODB_URI is not set and no embedded database was started')
    globalThis.__portalDatabase = mongoose
      .connect(uri, { serverSelectionTimeoutMS: 2_500, maxPoolSize: 20 })
      .catch((error: unknown) => {
        globalThis.__portalDatabase = undefined
        throw error
      })
  }
  return globalThis.__portalDatabase
}

export async function disconnectDatabase() {
  const pending = globalThis.__portalDatabase
  globalThis.__portalDatabase = undefined
  if (pending) await (await pending.catch(() => mongoose)).disconnect()
}

/** True when the database answers a ping within the time limit. */
export async function pingDatabase(timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs)
  })
  const attempt = (async () => {
    const connection = (await connectDatabase()).connection
    const db = connection.db
    if (!db) return false
    const reply = await db.admin().command({ ping: 1 }, { timeoutMS: timeoutMs })
    return reply.ok === 1
  })().catch(() => false)
  try {
    return await Promise.race([attempt, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Builds the indexes every model declares (unique keys included) before the first request. */
export async function ensureIndexes() {
  await Promise.all(Object.values(mongoose.models).map((model) => model.createIndexes()))
}

const UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongooseServerSelectionError',
])

/** True for errors that mean "the database cannot be reached", not "the query was wrong". */
export function isDatabaseUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  if (UNAVAILABLE.has(error.name)) return true
  return /buffering timed out|connection (closed|refused)|ECONNREFUSED/i.test(error.message)
}

// Kept on the global object: the server and the app bundle each load this module, and share this.
const health = ((globalThis as { __portalDatabaseHealth?: { lastFailureAt: number; lastCheck: { at: number; up: boolean } | null } })
  .__portalDatabaseHealth ??= { lastFailureAt: 0, lastCheck: null })

/** Called when a request failed because the database was unreachable. */
export function noteDatabaseFailure() {
  health.lastFailureAt = Date.now()
  health.lastCheck = null
}

/**
 * Whether requests should get the "temporarily unavailable" answer right away: only after a recent
 * failure, and only while a ping (at most one a second) still fails. Recovery is noticed by itself.
 */
export async function databaseUnavailable(): Promise<boolean> {
  if (health.lastFailureAt === 0) return false
  if (health.lastCheck && Date.now() - health.lastCheck.at < 1_000) return !health.lastCheck.up
  const up = await pingDatabase(1_000)
  health.lastCheck = { at: Date.now(), up }
  if (up) health.lastFailureAt = 0
  return !up
}
