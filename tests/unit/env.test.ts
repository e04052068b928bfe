import { describe, expect, test } from 'vitest'
import { EnvError, parseEnv } from '~/utils/env.server'

describe('environment', () => {
  test('defaults to loopback on port 3000', () => {
    const env = parseEnv({ NODE_ENV: 'development' })
    expect(env.HOST).toBe('127.0.0.1')
    expect(env.PORT).toBe(3000)
    expect(env.MONGODB_URI).toBeUndefined()
  })

  test('a production start without SESSION_SECRET is refused with a message naming it', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(EnvError)
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: is required in production/)
  })

  test('refuses a short secret and a database address that is not MongoDB', () => {
    expect(() => parseEnv({ SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET: must be at least 32 characters/)
    expect(() => parseEnv({ MONGODB_URI: 'postgres://db/x' })).toThrow(/MONGODB_URI: must be a mongodb:\/\//)
  })

  test('accepts a full production configuration', () => {
    const env = parseEnv({
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(40),
      MONGODB_URI: 'mongodb://db.internal:27017/portal?replicaSet=rs0',
      PORT: '8080',
      HOST: '0.0.0.0',
    })
    expect(env).toMatchObject({ PORT: 8080, HOST: '0.0.0.0', NODE_ENV: 'production' })
  })
})
