import { spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import getPort from 'get-port'

export type PortalProcess = { url: string; pid: number; output: () => string; stop: () => Promise<void> }

/**
 * Starts the built portal (`npm run build` first) as its own process, the way production runs it:
 * `tsx server/index.ts` with NODE_ENV=production. Without `databaseUrl` it starts its embedded database.
 */
export async function startPortal({
  databaseUrl,
  env = {},
}: { databaseUrl?: string; env?: Record<string, string> } = {}): Promise<PortalProcess> {
  const port = await getPort({ host: '127.0.0.1' })
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-app-'))
  let output = ''
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      ...(databaseUrl ? { MONGODB_URI: databaseUrl } : { MONGODB_URI: '' }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let hasExited = false
  void exited.then(() => (hasExited = true))

  const url = `http://localhost:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    if (hasExited) throw new Error(`The portal exited during start:\n${output}`)
    const ready = await fetch(`${url}/healthz`)
      .then((response) => response.ok)
      .catch(() => false)
    if (ready) break
    if (Date.now() > deadline) throw new Error(`The portal did not become healthy:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 150))
  }

  return {
    url,
    pid: child.pid ?? -1,
    output: () => output,
    stop: async () => {
      if (!hasExited) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
