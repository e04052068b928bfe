import {
  MaxPartSizeExceededError,
  unstable_composeUploadHandlers,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node'

/**
 * The one file the portal accepts anywhere: a CSV of indicators. No imagery, ever (data-protection
 * rules of the partnership), so a file is judged by what it contains, never by its name or the type
 * the browser claims: images, video, archives, PDF, embedded `data:` URIs, long base64 blobs and binary
 * content are refused before anything is parsed.
 */

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024
const MAX_TEXT_FIELD_BYTES = 4 * 1024

/** Why a file was refused; each has a message in the `indicators-io` namespace (`refused.<code>`). */
export const uploadRefusals = [
  'missing',
  'empty',
  'tooLarge',
  'image',
  'video',
  'archive',
  'pdf',
  'binary',
  'encoding',
  'markup',
  'dataUri',
  'base64',
] as const
export type UploadRefusal = (typeof uploadRefusals)[number]

export class UploadRefused extends Error {
  override name = 'UploadRefused'
  constructor(
    readonly code: UploadRefusal,
    /** The line of the file where the refused content starts, when it is text. */
    readonly line?: number,
  ) {
    super(`upload refused: ${code}${line ? ` (line ${line})` : ''}`)
  }
}

type Signature = { kind: Exclude<UploadRefusal, 'missing' | 'empty' | 'tooLarge'>; at?: number; bytes: (number | null)[] }

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0))

/** Magic numbers of the formats that must never come in; `null` matches any byte. */
const signatures: Signature[] = [
  { kind: 'image', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }, // PNG
  { kind: 'image', bytes: [0xff, 0xd8, 0xff] }, // JPEG
  { kind: 'image', bytes: ascii('GIF87a') },
  { kind: 'image', bytes: ascii('GIF89a') },
  { kind: 'image', bytes: [...ascii('RIFF'), null, null, null, null, ...ascii('WEBP')] },
  { kind: 'image', bytes: ascii('BM') }, // BMP
  { kind: 'image', bytes: [0x49, 0x49, 0x2a, 0x00] }, // TIFF, little-endian
  { kind: 'image', bytes: [0x4d, 0x4d, 0x00, 0x2a] }, // TIFF, big-endian
  { kind: 'image', bytes: [0x00, 0x00, 0x01, 0x00] }, // ICO
  { kind: 'image', at: 4, bytes: [...ascii('ftyp'), ...ascii('avif')] },
  { kind: 'image', at: 4, bytes: [...ascii('ftyp'), ...ascii('heic')] },
  { kind: 'image', at: 4, bytes: [...ascii('ftyp'), ...ascii('mif1')] },
  { kind: 'video', at: 4, bytes: ascii('ftyp') }, // MP4, MOV, 3GP
  { kind: 'video', bytes: [0x1a, 0x45, 0xdf, 0xa3] }, // Matroska, WebM
  { kind: 'video', bytes: [...ascii('RIFF'), null, null, null, null, ...ascii('AVI ')] },
  { kind: 'video', bytes: ascii('FLV') },
  { kind: 'video', bytes: ascii('OggS') },
  { kind: 'video', bytes: [0x00, 0x00, 0x01, 0xba] }, // MPEG program stream
  { kind: 'video', bytes: [0x00, 0x00, 0x01, 0xb3] }, // MPEG video
  { kind: 'video', bytes: [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11] }, // ASF, WMV
  { kind: 'archive', bytes: [0x50, 0x4b, 0x03, 0x04] }, // ZIP (also DOCX, XLSX, ODS, JAR, APK)
  { kind: 'archive', bytes: [0x50, 0x4b, 0x05, 0x06] }, // empty ZIP
  { kind: 'archive', bytes: [0x50, 0x4b, 0x07, 0x08] }, // spanned ZIP
  { kind: 'archive', bytes: [0x1f, 0x8b] }, // GZIP
  { kind: 'archive', bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] }, // 7z
  { kind: 'archive', bytes: [...ascii('Rar!'), 0x1a, 0x07] }, // RAR
  { kind: 'archive', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] }, // XZ
  { kind: 'archive', bytes: [0x28, 0xb5, 0x2f, 0xfd] }, // Zstandard
  { kind: 'archive', bytes: [...ascii('BZh')] }, // BZIP2
  { kind: 'archive', at: 257, bytes: ascii('ustar') }, // TAR
  { kind: 'archive', bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] }, // OLE (XLS, DOC, MSI)
  { kind: 'pdf', bytes: ascii('%PDF-') },
]

function matches(bytes: Uint8Array, signature: Signature) {
  const at = signature.at ?? 0
  if (bytes.length < at + signature.bytes.length) return false
  return signature.bytes.every((byte, index) => byte === null || bytes[at + index] === byte)
}

/** Image markup, or an element that would embed one, anywhere in the text. */
const MARKUP = /<\s*(svg|img|image|picture|video|source|object|embed|iframe)\b|<\?xml|<!DOCTYPE\s+svg/i
const DATA_URI = /\bdata:[a-z0-9.+-]*\/?[a-z0-9.+-]*(;[a-z0-9=.+-]+)*(;base64)?,/i
/** A long unbroken run of base64 (standard or URL-safe alphabet): an encoded file, not an indicator. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{200,}={0,2}/g

function looksLikeBase64(run: string) {
  // Long hex strings, or runs of one character class, are not what smuggled files look like.
  return /[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run)
}

/** Where the first control character other than tab, line feed and carriage return is, or -1. */
function firstControlCharacter(text: string) {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return i
  }
  return -1
}

function lineAt(text: string, index: number) {
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++
  return line
}

/**
 * The file as UTF-8 text, or `UploadRefused` saying why not. Checks, in order: size, magic numbers,
 * UTF-16/32 byte-order marks, NUL bytes and invalid UTF-8, then image markup, `data:` URIs and base64
 * blobs anywhere in the text.
 */
export function textOfUpload(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new UploadRefused('empty')
  if (bytes.length > MAX_UPLOAD_BYTES) throw new UploadRefused('tooLarge')
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes
  for (const signature of signatures) if (matches(start, signature)) throw new UploadRefused(signature.kind)
  if ((start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff)) throw new UploadRefused('encoding')
  if (start.includes(0)) throw new UploadRefused('binary')
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(start)
  } catch {
    throw new UploadRefused('binary')
  }
  // Control characters other than tab and line breaks do not belong in a text file.
  const control = firstControlCharacter(text)
  if (control !== -1) throw new UploadRefused('binary', lineAt(text, control))
  const markup = MARKUP.exec(text)
  if (markup) throw new UploadRefused('markup', lineAt(text, markup.index))
  const dataUri = DATA_URI.exec(text)
  if (dataUri) throw new UploadRefused('dataUri', lineAt(text, dataUri.index))
  for (const run of text.matchAll(BASE64_RUN)) {
    if (looksLikeBase64(run[0])) throw new UploadRefused('base64', lineAt(text, run.index))
  }
  return text
}

/** True when a single value embeds a file: a `data:` URI or a long base64 blob. */
export function embedsFile(value: string): 'dataUri' | 'base64' | null {
  if (DATA_URI.test(value)) return 'dataUri'
  for (const run of value.matchAll(BASE64_RUN)) if (looksLikeBase64(run[0])) return 'base64'
  return null
}

export type UploadedForm = { fields: Map<string, string>; file: { name: string; bytes: Uint8Array } | null }

const TEXT_FIELDS = new Set(['csrf', 'intent'])

/**
 * Reads a multipart form with at most one file, named `file`, of at most 50 MB (413 above), and a few
 * short text fields. Anything else in the form is ignored. The caller checks the anti-forgery field
 * before it looks at the file.
 */
export async function readUploadForm(request: Request): Promise<UploadedForm> {
  const length = Number(request.headers.get('content-length') ?? 0)
  if (length > MAX_UPLOAD_BYTES + 64 * 1024) throw new UploadRefused('tooLarge')
  let files = 0
  const handler = unstable_composeUploadHandlers(
    unstable_createMemoryUploadHandler({
      maxPartSize: MAX_TEXT_FIELD_BYTES,
      filter: ({ name, filename }) => filename === undefined && TEXT_FIELDS.has(name),
    }),
    unstable_createMemoryUploadHandler({
      maxPartSize: MAX_UPLOAD_BYTES,
      filter: ({ name, filename }) => {
        if (name !== 'file' || typeof filename !== 'string') return false
        // A second file would double the memory held; one CSV per import.
        if (++files > 1) throw new UploadRefused('tooLarge')
        return true
      },
    }),
  )
  let formData: FormData
  try {
    formData = await unstable_parseMultipartFormData(request, handler)
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) throw new UploadRefused('tooLarge')
    if (error instanceof UploadRefused) throw error
    throw new UploadRefused('missing')
  }
  const fields = new Map<string, string>()
  let file: UploadedForm['file'] = null
  for (const [name, value] of formData) {
    if (typeof value === 'string') fields.set(name, value)
    // A file input left empty still sends a nameless, empty part: that is no file at all.
    else if (name === 'file' && !(value.name === '' && value.size === 0)) file = { name: value.name, bytes: new Uint8Array(await value.arrayBuffer()) }
  }
  return { fields, file }
}

/** The form as FormData with its text fields only, for the anti-forgery check. */
export function textFormData(upload: UploadedForm) {
  const formData = new FormData()
  for (const [name, value] of upload.fields) formData.set(name, value)
  return formData
}
