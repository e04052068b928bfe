import { execFileSync, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, inject, test } from 'vitest'
import { startEmbeddedDatabase } from '~/utils/ferretdb.server'
import { startPortal } from '../support/portal-process'

const portalUrl = inject('portalUrl')

function childrenOf(pid: number) {
  const out = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout
  return out.split('\n').filter(Boolean)
}

function isRunning(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('production server', () => {
  test('health check and every response carry a nonce-based CSP without unsafe-inline scripts', async () => {
    for (const pathname of ['/healthz', '/']) {
      const response = await fetch(`${portalUrl}${pathname}`)
      expect(response.status).toBe(200)
      const csp = response.headers.get('content-security-policy') ?? ''
      const scriptSrc = csp.split(';').find((directive) => directive.trim().startsWith('script-src')) ?? ''
      expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/)
      expect(scriptSrc).not.toContain('unsafe-inline')
      expect(csp).toContain("frame-ancestors 'none'")
      expect(response.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/)
    }
    expect(await (await fetch(`${portalUrl}/healthz`)).json()).toEqual({ status: 'ok', database: 'up' })
  })

  test('every page gets a fresh nonce, and the page scripts use it', async () => {
    const [first, second] = await Promise.all([fetch(portalUrl), fetch(portalUrl)])
    const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1]
    expect(nonceOf(first)).not.toBe(nonceOf(second))
    const html = await first.text()
    expect(html).toContain(`nonce="${nonceOf(first)}"`)
  })

  test('health check answers 503 within 5 seconds of the database process being killed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-health-db-'))
    const database = await startEmbeddedDatabase({ dir })
    const portal = await startPortal({ databaseUrl: database.uri('health') })
    try {
      expect((await fetch(`${portal.url}/healthz`)).status).toBe(200)
      process.kill(database.pid, 'SIGKILL')
      const killedAt = Date.now()
      let status = 200
      while (Date.now() - killedAt < 5_000 && status !== 503) {
        status = (await fetch(`${portal.url}/healthz`)).status
      }
      expect(status).toBe(503)
      expect(Date.now() - killedAt).toBeLessThan(5_000)
      expect(isRunning(portal.pid)).toBe(true)
    } finally {
      await portal.stop()
      await database.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  test('with MONGODB_URI set it uses that server and starts no embedded one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-external-db-'))
    const database = await startEmbeddedDatabase({ dir })
    const portal = await startPortal({ databaseUrl: database.uri('external') })
    try {
      expect(childrenOf(portal.pid).filter((line) => line.includes('ferretdb'))).toEqual([])
      expect(portal.output()).toContain(`database: mongodb://127.0.0.1:${database.port}/external)`)
      expect(portal.output()).not.toContain('embedded')
    } finally {
      await portal.stop()
      await database.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  test('without MONGODB_URI it runs its embedded database and stops it on Ctrl-C', async () => {
    const portal = await startPortal()
    const embedded = childrenOf(portal.pid).filter((line) => line.includes('ferretdb'))
    expect(embedded).toHaveLength(1)
    const databasePid = Number(embedded[0]?.trim().split(/\s+/)[0])
    process.kill(portal.pid, 'SIGINT')
    const deadline = Date.now() + 15_000
    while ((isRunning(portal.pid) || isRunning(databasePid)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(isRunning(portal.pid)).toBe(false)
    expect(isRunning(databasePid)).toBe(false)
    await portal.stop()
  })
})

describe('refusing to start', () => {
  const tsxArgs = ['--import', 'tsx', 'server/index.ts']

  test('a production start without SESSION_SECRET says what to set', () => {
    const result = spawnSync(process.execPath, tsxArgs, {
      env: { ...process.env, NODE_ENV: 'production', SESSION_SECRET: '', MONGODB_URI: 'mongodb://127.0.0.1:1/x' },
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('SESSION_SECRET: is required in production')
  })

  test('with neither MONGODB_URI nor Go it fails at once naming both ways out', () => {
    const emptyRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-no-go-'))
    const started = Date.now()
    const result = spawnSync(process.execPath, tsxArgs, {
      env: {
        ...process.env,
        PATH: '/usr/bin:/bin',
        PORTAL_ROOT: emptyRoot,
        NODE_ENV: 'production',
        SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
        MONGODB_URI: '',
      },
      encoding: 'utf8',
      timeout: 30_000,
    })
    fs.rmSync(emptyRoot, { recursive: true, force: true })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/set MONGODB_URI/)
    expect(result.stderr).toMatch(/install Go/)
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(() => execFileSync('/usr/bin/env', ['-i', 'PATH=/usr/bin:/bin', 'sh', '-c', 'command -v go'])).toThrow()
  })
})

describe('while the database is down', () => {
  test('pages answer a friendly 503 in the reader’s language, the API problem+json, and all recover by themselves', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-down-db-'))
    const first = await startEmbeddedDatabase({ dir })
    const portal = await startPortal({ databaseUrl: `mongodb://127.0.0.1:${first.port}/down` })
    try {
      // The landing page reads the database (the public figures).
      expect((await fetch(`${portal.url}/`)).status).toBe(200)
      await first.stop()
      // The first request after the failure may still wait for the driver's timeout; then 503 at once.
      const statuses: number[] = []
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${portal.url}/`)).status)
      expect(statuses.at(-1)).toBe(503)
      const page = await fetch(`${portal.url}/`, { headers: { 'accept-language': 'fr' } })
      expect(page.status).toBe(503)
      expect(page.headers.get('retry-after')).toBe('5')
      expect(await page.text()).toContain('Momentanément indisponible')
      const api = await fetch(`${portal.url}/api/v1/tasks`, { headers: { accept: 'application/json' } })
      expect(api.status).toBe(503)
      expect(api.headers.get('content-type')).toContain('application/problem+json')
      expect(isRunning(portal.pid)).toBe(true)

      // The database comes back on the same port: the portal recovers without a restart.
      const second = await startEmbeddedDatabase({ dir, port: first.port })
      try {
        const backAt = Date.now()
        let status = 503
        while (status !== 200 && Date.now() - backAt < 10_000) {
          status = (await fetch(`${portal.url}/`)).status
          if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250))
        }
        expect(status).toBe(200)
        expect(Date.now() - backAt).toBeLessThan(5_000)
      } finally {
        await second.stop()
      }
    } finally {
      await portal.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
