import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { z } from 'zod'

const scrypt = promisify(crypto.scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>

const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }
const KEY_LENGTH = 32

export const PASSWORD_MIN_LENGTH = 12

let commonPasswords: Set<string> | undefined
function isCommonPassword(password: string) {
  if (!commonPasswords) {
    const file = path.resolve(process.env.PORTAL_ROOT ?? process.cwd(), 'app/auth/data/common-passwords-10k.txt')
    commonPasswords = new Set(fs.readFileSync(file, 'utf8').split('\n').map((line) => line.trim().toLowerCase()))
  }
  return commonPasswords.has(password.toLowerCase())
}

/** Error codes are translation keys under `auth:password.errors`. */
export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, 'tooShort')
  .max(200, 'tooLong')
  .refine((password) => !isCommonPassword(password), 'tooCommon')

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16)
  const key = await scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, PARAMS)
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$')
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  // Unknown accounts are checked against a dummy hash so that timing does not reveal them.
  const [scheme, n, r, p, salt, key] = (stored ?? DUMMY_HASH).split('$')
  if (scheme !== 'scrypt' || !salt || !key) return false
  const expected = Buffer.from(key, 'base64')
  const actual = await scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  })
  return crypto.timingSafeEqual(actual, expected) && stored !== undefined && stored !== null
}

const DUMMY_HASH = `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`
