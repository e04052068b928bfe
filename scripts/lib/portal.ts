import { spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import getPort from 'get-port'

const OUTPUT_LIMIT = 256 * 1024

export type PortalProcess = {
  url: string
  port: number
  pid: number
  /** Milliseconds from spawning to the first healthy answer. */
  startupMs: number
  alive: () => boolean
  /** The process's last output (its logs at LOG_LEVEL=warn: failed requests with their error). */
  output: () => string
  /** Sends a signal and waits until the process is gone. */
  kill: (signal: NodeJS.Signals) => Promise<void>
  /** SIGTERM (the portal's graceful shutdown), SIGKILL after 10 s. */
  stop: () => Promise<void>
}

/** A random secret for one run; the script signs its cookies with the same one. */
export const newSessionSecret = () => crypto.randomBytes(32).toString('hex')

export function requireBuild() {
  if (!fs.existsSync(path.resolve('build/index.js'))) {
    throw new Error('No production build: run `npm run build` first (the load scripts start the built portal).')
  }
}

/**
 * Starts the production build the way `npm start` does (`tsx server/index.ts`, NODE_ENV=production)
 * on loopback, against `databaseUrl`, and waits until /healthz answers 200. `port` restarts it where
 * its clients expect it.
 */
export async function startPortalProcess({
  databaseUrl,
  sessionSecret,
  port: fixedPort,
  env = {},
  readyTimeoutMs = 120_000,
  cwd = process.cwd(),
}: {
  databaseUrl: string
  sessionSecret: string
  port?: number
  env?: Record<string, string>
  readyTimeoutMs?: number
  /** The checkout to run (another copy of the portal, to try a change without touching this one). */
  cwd?: string
}): Promise<PortalProcess> {
  requireBuild()
  const port = fixedPort ?? (await getPort({ host: '127.0.0.1' }))
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-load-app-'))
  let output = ''
  const started = Date.now()
  // PORTAL_NODE_ARGS adds Node options to the portal process, e.g. "--cpu-prof --cpu-prof-dir=prof".
  const extra = (process.env.PORTAL_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child: ChildProcess = spawn(process.execPath, [...extra, '--import', 'tsx', 'server/index.ts'], {
    cwd,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      SESSION_SECRET: sessionSecret,
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      MONGODB_URI: databaseUrl,
      PUBLIC_URL: `http://localhost:${port}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const keep = (chunk: Buffer) => {
    output += chunk.toString()
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let exited = false
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true
      fs.rmSync(dataDir, { recursive: true, force: true })
      resolve()
    }),
  )

  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + readyTimeoutMs
  for (;;) {
    if (exited) throw new Error(`The portal exited during start:\n${output}`)
    const ready = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3_000) })
      .then((response) => response.ok)
      .catch(() => false)
    if (ready) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`The portal did not become healthy within ${readyTimeoutMs} ms:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }

  const kill = async (signal: NodeJS.Signals) => {
    if (!exited) child.kill(signal)
    await gone
  }
  return {
    url,
    port,
    pid: child.pid ?? -1,
    startupMs: Date.now() - started,
    alive: () => !exited,
    output: () => output,
    kill,
    stop: async () => {
      if (exited) return
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await kill('SIGTERM')
      clearTimeout(timer)
    },
  }
}
