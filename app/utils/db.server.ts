import mongoose from 'mongoose'

declare global {
  // One connection per process, kept on the global object so dev rebuilds reuse it.
  var __portalDatabase: Promise<typeof mongoose> | undefined
}

mongoose.set('strictQuery', true)

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
