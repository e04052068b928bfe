import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import getPort from 'get-port'
import { MongoClient } from 'mongodb'

const run = promisify(execFile)

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB'
export const FERRETDB_VERSION = 'v1.24.2'

const toolDir = () => path.resolve(process.env.PORTAL_ROOT ?? process.cwd(), '.ferretdb')
export const ferretDbBinaryPath = () => path.join(toolDir(), 'bin', 'ferretdb')
const stampPath = () => path.join(toolDir(), 'bin', 'VERSION')

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError'
}

export const NO_DATABASE_MESSAGE =
  'No database available. Either set MONGODB_URI to a MongoDB server ' +
  '(for example MONGODB_URI=mongodb://127.0.0.1:27017/portal), or install Go 1.21 or newer ' +
  'so the portal can build its embedded FerretDB database.'

function hasGo() {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function binaryIsCurrent() {
  try {
    return (
      fs.readFileSync(stampPath(), 'utf8').trim() === FERRETDB_VERSION &&
      fs.statSync(ferretDbBinaryPath()).isFile()
    )
  } catch {
    return false
  }
}

/**
 * Builds FerretDB once into `.ferretdb/bin` and reuses it afterwards.
 *
 * The published module lacks `build/version/version.txt`, so a plain `go install` of it builds a
 * binary that panics at start. We fetch the very same module through the Go module proxy, add the
 * version file and build `cmd/ferretdb` from it (see docs/decisions/0001-embedded-database.md).
 */
export async function ensureFerretDbBinary(log: (line: string) => void = console.info) {
  if (binaryIsCurrent()) return ferretDbBinaryPath()
  if (!hasGo()) throw new DatabaseUnavailableError(NO_DATABASE_MESSAGE)

  log(`Building FerretDB ${FERRETDB_VERSION} once with Go (a few minutes the first time; later starts reuse it)…`)
  fs.mkdirSync(path.dirname(ferretDbBinaryPath()), { recursive: true })
  const { stdout } = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    maxBuffer: 10 * 1024 * 1024,
  })
  const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir
  if (!moduleDir) throw new Error(`go mod download did not return a folder for ${FERRETDB_MODULE}`)

  const sourceDir = fs.mkdtempSync(path.join(toolDir(), 'src-'))
  try {
    fs.cpSync(moduleDir, sourceDir, { recursive: true })
    makeWritable(sourceDir)
    fs.writeFileSync(path.join(sourceDir, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`)
    const output = `${ferretDbBinaryPath()}.${process.pid}.tmp`
    await run('go', ['build', '-trimpath', '-buildvcs=false', '-o', output, './cmd/ferretdb'], {
      cwd: sourceDir,
      maxBuffer: 10 * 1024 * 1024,
    })
    fs.renameSync(output, ferretDbBinaryPath())
    fs.writeFileSync(stampPath(), `${FERRETDB_VERSION}\n`)
  } finally {
    fs.rmSync(sourceDir, { recursive: true, force: true })
  }
  log(`FerretDB ${FERRETDB_VERSION} built: ${path.relative(process.cwd(), ferretDbBinaryPath())}`)
  return ferretDbBinaryPath()
}

function makeWritable(dir: string) {
  fs.chmodSync(dir, 0o755)
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) makeWritable(full)
    else fs.chmodSync(full, 0o644)
  }
}

export type EmbeddedDatabase = {
  uri: (databaseName: string) => string
  port: number
  pid: number
  /** Stops the process and waits for it to exit. */
  stop: () => Promise<void>
}

type StartOptions = {
  /** Folder that holds the SQLite files and FerretDB's state; created when missing. */
  dir: string
  log?: (line: string) => void
  readyTimeoutMs?: number
  /** A fixed port, to restart a stopped database where its clients expect it. */
  port?: number
}

const running = new Set<ChildProcess>()
let exitHookInstalled = false

function installExitHook() {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // Last resort: never leave a database process behind, whatever way this process ends.
  process.on('exit', () => {
    for (const child of running) child.kill('SIGTERM')
  })
}

export async function startEmbeddedDatabase({ dir, log = console.info, readyTimeoutMs = 60_000, port: fixedPort }: StartOptions) {
  const binary = await ensureFerretDbBinary(log)
  const dataDir = path.join(dir, 'sqlite')
  const stateDir = path.join(dir, 'state')
  fs.mkdirSync(dataDir, { recursive: true })
  fs.mkdirSync(stateDir, { recursive: true })

  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = fixedPort ?? (await getPort({ host: '127.0.0.1' }))
    try {
      return await launch({ binary, dataDir, stateDir, port, dir, readyTimeoutMs })
    } catch (error) {
      lastError = error // most likely the port was taken between choosing and binding it
    }
  }
  throw lastError
}

async function launch(opts: {
  binary: string
  dataDir: string
  stateDir: string
  port: number
  dir: string
  readyTimeoutMs: number
}): Promise<EmbeddedDatabase> {
  const logFile = fs.openSync(path.join(opts.dir, 'ferretdb.log'), 'a')
  const child = spawn(
    opts.binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${opts.dataDir}/`,
      `--state-dir=${opts.stateDir}`,
      `--listen-addr=127.0.0.1:${opts.port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
    ],
    { stdio: ['ignore', logFile, logFile] },
  )
  fs.closeSync(logFile)
  installExitHook()
  running.add(child)
  const watchdog = startWatchdog(child.pid)

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let hasExited = false
  void exited.then(() => {
    hasExited = true
    running.delete(child)
  })

  const base = `mongodb://127.0.0.1:${opts.port}`
  const deadline = Date.now() + opts.readyTimeoutMs
  for (;;) {
    if (hasExited) throw new Error(`FerretDB exited during start; see ${path.join(opts.dir, 'ferretdb.log')}`)
    if (await ping(`${base}/admin`)) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`FerretDB did not answer a ping within ${opts.readyTimeoutMs} ms`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }

  return {
    uri: (databaseName) => `${base}/${databaseName}`,
    port: opts.port,
    pid: child.pid ?? -1,
    stop: async () => {
      if (!hasExited) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
        await exited
        clearTimeout(timer)
      }
      watchdog?.kill('SIGKILL')
    },
  }
}

/**
 * A tiny shell process that holds a pipe from this process and stops the database when the pipe
 * closes: even if this process is killed outright (no exit hook runs), no database is left behind.
 */
function startWatchdog(pid: number | undefined) {
  if (!pid) return null
  const watchdog = spawn('sh', ['-c', 'read _ignored; kill -TERM "$0" 2>/dev/null', String(pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  })
  watchdog.on('error', () => {})
  watchdog.unref()
  ;(watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.()
  return watchdog
}

async function ping(uri: string) {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 })
  try {
    await client.connect()
    await client.db('admin').command({ ping: 1 })
    return true
  } catch {
    return false
  } finally {
    await client.close().catch(() => {})
  }
}
