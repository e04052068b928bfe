import crypto from 'node:crypto'

/** A random link token and the hash that is the only thing stored. */
export function createLinkToken() {
  const token = crypto.randomBytes(32).toString('base64url')
  return { token, tokenHash: hashLinkToken(token) }
}

export function hashLinkToken(token: string) {
  return crypto.createHash('sha256').update(token).digest('hex')
}
