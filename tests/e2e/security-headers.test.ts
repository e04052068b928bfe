import { expect, inject, test } from 'vitest'

const portalUrl = inject('portalUrl')

test('pages carry the security headers of a production server', async () => {
  const response = await fetch(`${portalUrl}/login`)
  const headers = response.headers
  const csp = headers.get('content-security-policy') ?? ''
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]))
  expect(directives.get('script-src')?.some((v) => /^'nonce-/.test(v))).toBe(true)
  expect(directives.get('script-src')).not.toContain("'unsafe-inline'")
  expect(directives.get('script-src')).not.toContain("'unsafe-eval'")
  expect(directives.get('frame-ancestors')).toEqual(["'none'"])
  expect(directives.get('object-src')).toEqual(["'none'"])
  expect(directives.get('img-src')).toEqual(["'self'"])
  expect(headers.get('x-content-type-options')).toBe('nosniff')
  expect(headers.get('referrer-policy')).toBe('same-origin')
  expect(headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/)
  expect(headers.get('x-powered-by')).toBeNull()
})

test('cookies are HttpOnly, SameSite=Lax and Secure in production', async () => {
  const response = await fetch(`${portalUrl}/login`)
  const cookies = response.headers.getSetCookie()
  expect(cookies.length).toBeGreaterThan(0)
  for (const cookie of cookies) {
    expect(cookie).toMatch(/;\s*HttpOnly/i)
    expect(cookie).toMatch(/;\s*SameSite=Lax/i)
    expect(cookie).toMatch(/;\s*Secure/i)
  }
})
