import pino from 'pino'
import { getEnv } from './env.server'

declare global {
  var __portalLogger: pino.Logger | undefined
}

export function getLogger(): pino.Logger {
  if (!globalThis.__portalLogger) {
    const env = getEnv()
    const destination = env.LOG_FILE ? pino.destination({ dest: env.LOG_FILE, mkdir: true, sync: false }) : undefined
    globalThis.__portalLogger = pino(
      {
        level: env.NODE_ENV === 'test' ? 'silent' : env.LOG_LEVEL,
        redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      },
      destination,
    )
  }
  return globalThis.__portalLogger
}
