import crypto from 'node:crypto'
import { generate, generateSecret, generateURI, verify } from 'otplib'
import QRCode from 'qrcode'

/** What every authenticator app understands. */
const PERIOD = 30
const ISSUER = 'Payment Channel Partnership'

export function createTotpSecret(): string {
  return generateSecret()
}

export function totpAuthUri(secret: string, accountName: string) {
  return generateURI({ issuer: ISSUER, label: accountName, secret, period: PERIOD, digits: 6, algorithm: 'sha1' })
}

/** The QR code as SVG markup, drawn on the server: no image request, no `data:` URI. */
export function totpQrSvg(uri: string) {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 })
}

/** The time step of a correct code (one step of clock drift allowed each way), or null. */
export async function verifyTotpCode(code: string, secret: string): Promise<number | null> {
  const token = code.replace(/\s+/g, '')
  if (!/^\d{6}$/.test(token)) return null
  const result = await verify({ secret, token, period: PERIOD, epochTolerance: PERIOD })
  if (!result.valid) return null
  return Math.floor(Date.now() / 1000 / PERIOD) + result.delta
}

/** The code an authenticator app shows at `at` (default now): for tests and the demo helper only. */
export function totpCodeAt(secret: string, at: Date = new Date()) {
  return generate({ secret, period: PERIOD, epoch: Math.floor(at.getTime() / 1000) })
}

export function createRecoveryCodes(count = 8): string[] {
  return Array.from({ length: count }, () => {
    const raw = crypto.randomBytes(5).toString('hex')
    return `${raw.slice(0, 5)}-${raw.slice(5)}`
  })
}

export function hashRecoveryCode(code: string) {
  return crypto.createHash('sha256').update(code.trim().toLowerCase()).digest('hex')
}
