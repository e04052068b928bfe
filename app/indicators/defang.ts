/**
 * Defanging keeps reported addresses from ever becoming live links (in the portal, in mail, in
 * exports). No dependencies: safe to import from components as well as from the server.
 */

const schemeAndRest = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/is

/** `https://shop.example.com/x` → `hxxps://shop[.]example[.]com/x`; `example.com` → `example[.]com`. Idempotent. */
export function defang(text: string): string {
  const match = schemeAndRest.exec(text)
  if (!match) return defangDots(text)
  const [, scheme = '', authority = '', rest = ''] = match
  return `${defangScheme(scheme)}://${defangDots(authority)}${rest}`
}

/** Undoes the usual defanging conventions (`hxxp`, `[.]`, `(.)`, `[dot]`, `[:]`, `[@]`) before parsing. */
export function refang(text: string): string {
  return text
    .replace(/^h(?:xx|tt)p(s?)(?=(?:\[:\]|:|\[:\/\/\]))/i, 'http$1')
    .replace(/\[:\/\/\]/g, '://')
    .replace(/\[:\]/g, ':')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.')
    .replace(/\[@\]|\[at\]|\(at\)/gi, '@')
}

function defangScheme(scheme: string) {
  const lower = scheme.toLowerCase()
  if (lower === 'http') return 'hxxp'
  if (lower === 'https') return 'hxxps'
  return scheme
}

/** Dots not already inside `[.]` become `[.]`. */
function defangDots(text: string) {
  return text
    .split('[.]')
    .map((part) => part.replaceAll('.', '[.]'))
    .join('[.]')
}
