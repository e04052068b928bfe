import { z } from 'zod'

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// connection string')
      .optional(),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FILE: z.string().min(1).optional(),
    DATA_DIR: z.string().min(1).default('data'),
    PUBLIC_URL: z.url().optional(),
    SMTP_URL: z.string().regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// address').optional(),
    MAIL_FROM: z.string().min(3).default('Payment Channel Partnership <no-reply@portal.invalid>'),
    PROBATION_DAYS: z.coerce.number().int().min(0).max(365).default(30),
    DEMO_MAILBOX_DIR: z.string().min(1).optional(),
    /** Calls one API key may make per minute (per app server). */
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message:
          'is required in production: set it to a random string of 32 characters or more, ' +
          'for example SESSION_SECRET=$(openssl rand -hex 32)',
      })
    }
  })

export type Env = z.infer<typeof schema>

export class EnvError extends Error {
  override name = 'EnvError'
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // An empty variable counts as unset, as shells and process managers often leave them empty.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''))
  const result = schema.safeParse(present)
  if (result.success) return result.data
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
  throw new EnvError(`The environment is not valid:\n${lines.join('\n')}`)
}

let cached: Env | undefined
export function getEnv(): Env {
  cached ??= parseEnv()
  return cached
}

/** For tests that change the environment of a running process. */
export function resetEnvCache() {
  cached = undefined
}

/** Base URL for links in e-mails. */
export function publicUrl() {
  const env = getEnv()
  return (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '')
}

/** Signs cookies; development and tests get a fixed secret, production refuses to start without one. */
export function sessionSecret() {
  return getEnv().SESSION_SECRET ?? 'development-only-secret-not-for-production-use'
}

/** The only environment values that reach the browser. */
export function getPublicEnv() {
  return { MODE: getEnv().NODE_ENV }
}
