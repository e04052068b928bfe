import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import mongoose from 'mongoose'
import { connectDatabase, disconnectDatabase, ensureIndexes } from '../../app/utils/db.server'
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../app/utils/ferretdb.server'

/**
 * A fresh embedded database in a temporary folder, for one script run: this process connects to it
 * (for seeding and counting), the portal process gets its URI. It can be killed and started again on
 * the same port and folder, and is always removed at the end.
 */
export type ScratchDatabase = {
  dir: string
  uri: string
  port: number
  pid: () => number
  /** SIGKILL, as a crash would; waits for the process to be gone. */
  kill: () => Promise<void>
  /** Starts it again on the same port and folder; resolves once it answers a ping. */
  restart: () => Promise<void>
  /** Disconnects this process, stops the database and removes its folder. */
  dispose: () => Promise<void>
}

export async function scratchDatabase(prefix: string, databaseName = 'portal'): Promise<ScratchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`))
  const log = (line: string) => console.warn(line)
  let current: EmbeddedDatabase
  try {
    current = await startEmbeddedDatabase({ dir, log })
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw error
  }
  const port = current.port
  const uri = current.uri(databaseName)
  // Errors of this process's own connection while the database is down must not end the script.
  mongoose.connection.on('error', () => {})
  await connectDatabase(uri)
  await ensureIndexes()

  return {
    dir,
    uri,
    port,
    pid: () => current.pid,
    kill: async () => {
      process.kill(current.pid, 'SIGKILL')
      // `stop` only waits for the (already dead) process and ends its watchdog.
      await current.stop()
    },
    restart: async () => {
      current = await startEmbeddedDatabase({ dir, port, log })
    },
    dispose: async () => {
      await disconnectDatabase().catch(() => {})
      await current.stop().catch(() => {})
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A raw collection of this process's connection (no model, no organisation scope: for counting only). */
export function collection(name: string) {
  const db = mongoose.connection.db
  if (!db) throw new Error('not connected to the database')
  return db.collection(name)
}

/**
 * The database a benchmark runs on: a scratch database in the MongoDB at BENCH_MONGODB_URI (dropped
 * afterwards), or else a fresh embedded one. `dispose` disconnects and cleans up either way.
 */
export async function benchDatabase(prefix: string): Promise<{ external: boolean; dispose: () => Promise<void> }> {
  const external = process.env.BENCH_MONGODB_URI
  if (!external) {
    const db = await scratchDatabase(prefix, 'bench')
    return { external: false, dispose: db.dispose }
  }
  await connectDatabase(external.replace(/\/[^/?]*(\?|$)/, `/${prefix.replace(/\W/g, '_')}_${Date.now()}$1`))
  await ensureIndexes()
  return {
    external: true,
    dispose: async () => {
      await mongoose.connection.db?.dropDatabase().catch(() => {})
      await disconnectDatabase().catch(() => {})
    },
  }
}
