import crypto from 'node:crypto'
import fs from 'node:fs'
import type http from 'node:http'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { createRequestHandler } from '@remix-run/express'
import { broadcastDevReady, type ServerBuild } from '@remix-run/node'
import compression from 'compression'
import express from 'express'
import helmet from 'helmet'
import { pinoHttp } from 'pino-http'
import { connectDatabase, disconnectDatabase, ensureIndexes, pingDatabase } from '../app/utils/db.server'
import { EnvError, parseEnv, type Env } from '../app/utils/env.server'
import { DatabaseUnavailableError, startEmbeddedDatabase, type EmbeddedDatabase } from '../app/utils/ferretdb.server'
import { startBackgroundJobs } from '../app/jobs/housekeeping.server'
import { getLogger } from '../app/utils/logger.server'
import { unavailableWhileDatabaseDown } from './unavailable'

const BUILD_PATH = path.resolve('build/index.js')

declare module '@remix-run/node' {
  interface AppLoadContext {
    cspNonce: string
    requestId: string
    clientIp: string
  }
}

async function importBuild(): Promise<ServerBuild> {
  const version = fs.statSync(BUILD_PATH).mtimeMs
  return (await import(`${pathToFileURL(BUILD_PATH).href}?v=${version}`)) as ServerBuild
}

export function createApp({ env, build }: { env: Env; build: () => ServerBuild }) {
  const app = express()
  const isProduction = env.NODE_ENV === 'production'
  app.disable('x-powered-by')
  app.set('trust proxy', 'loopback')

  app.use(
    pinoHttp({
      logger: getLogger(),
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id']
        const id = typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID()
        res.setHeader('X-Request-Id', id)
        return id
      },
      autoLogging: { ignore: (req) => req.url?.startsWith('/build/') ?? false },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
    }),
  )

  app.use((_req, res, next) => {
    res.locals.cspNonce = crypto.randomBytes(16).toString('base64')
    next()
  })
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'strict-dynamic'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`],
          styleSrc: ["'self'"],
          styleSrcAttr: ["'unsafe-inline'"],
          imgSrc: ["'self'"],
          fontSrc: ["'self'"],
          connectSrc: isProduction ? ["'self'"] : ["'self'", 'ws:'],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      strictTransportSecurity: isProduction ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'same-origin' },
    }),
  )
  app.use(compression())

  app.get('/healthz', async (_req, res) => {
    const up = await pingDatabase(2_000)
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'unavailable', database: up ? 'up' : 'down' })
  })

  app.use(unavailableWhileDatabaseDown())
  app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }))
  app.use(express.static('public', { maxAge: '1h' }))

  app.all(
    '*',
    createRequestHandler({
      build: async () => build(),
      mode: env.NODE_ENV,
      getLoadContext: (req, res) => ({
        cspNonce: res.locals.cspNonce as string,
        requestId: String(req.id),
        clientIp: req.ip ?? '',
      }),
    }),
  )
  return app
}

type RunOptions = {
  /** Folder for the embedded database when MONGODB_URI is not set (default: DATA_DIR). */
  dataDir?: string
  /** Runs once the database is connected, before the server listens. */
  beforeListen?: () => Promise<void>
  /** Runs once the server listens. */
  afterListen?: (info: { url: string; database: string; embedded: boolean }) => void
}

/** Starts the whole portal: database (embedded unless MONGODB_URI is set), then the HTTP server. */
export async function runServer({ dataDir, beforeListen, afterListen }: RunOptions = {}) {
  let env: Env
  try {
    env = parseEnv()
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }

  let embedded: EmbeddedDatabase | undefined
  if (!env.MONGODB_URI) {
    try {
      embedded = await startEmbeddedDatabase({ dir: path.resolve(dataDir ?? env.DATA_DIR, 'db') })
    } catch (error) {
      if (error instanceof DatabaseUnavailableError) {
        console.error(error.message)
        process.exit(1)
      }
      throw error
    }
    process.env.MONGODB_URI = embedded.uri('portal')
  }
  const databaseUri = process.env.MONGODB_URI as string
  await connectDatabase(databaseUri)
  let build = await importBuild()
  await ensureIndexes()
  await beforeListen?.()
  const stopJobs = startBackgroundJobs()
  if (env.NODE_ENV === 'development') watchBuild((next) => (build = next))

  const app = createApp({ env, build: () => build })
  const server: http.Server = await new Promise((resolve) => {
    const listening = app.listen(env.PORT, env.HOST, () => resolve(listening))
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : env.PORT
  const host = env.HOST === '127.0.0.1' || env.HOST === '0.0.0.0' ? 'localhost' : env.HOST
  const url = `http://${host}:${port}`
  getLogger().info({ url, embeddedDatabase: Boolean(embedded) }, 'portal listening')
  if (env.NODE_ENV === 'development') void broadcastDevReady(build)
  afterListen?.({ url, database: redactUri(databaseUri), embedded: Boolean(embedded) })

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    getLogger().info({ signal }, 'shutting down')
    const forced = setTimeout(() => server.closeAllConnections(), 10_000)
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeIdleConnections()
    })
    clearTimeout(forced)
    stopJobs()
    await disconnectDatabase().catch(() => {})
    await embedded?.stop()
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  return { server, url, embedded }
}

function watchBuild(onChange: (build: ServerBuild) => void) {
  fs.watch(path.dirname(BUILD_PATH), { persistent: false }, (_event, file) => {
    if (file !== 'version.txt') return
    void importBuild().then((next) => {
      onChange(next)
      return broadcastDevReady(next)
    })
  })
}

function redactUri(uri: string) {
  return uri.replace(/\/\/[^@/]+@/, '//***@')
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await runServer({
    afterListen: ({ url, database, embedded }) =>
      console.info(`Portal on ${url} (database: ${database}${embedded ? ', embedded' : ''})`),
  })
}
