import { data } from '@remix-run/node'
import type { z } from 'zod'
import { containsCardNumber } from './card-numbers'
import { CsrfError, verifyCsrf } from './csrf.server'

const MAX_FORM_BYTES = 256 * 1024

/**
 * Reads a submitted form: refuses oversized bodies (413) and forged submissions (403). Every action
 * that changes something reads its form through here.
 */
export async function readForm(request: Request): Promise<FormData> {
  const length = Number(request.headers.get('content-length') ?? 0)
  if (length > MAX_FORM_BYTES) throw data({ message: 'The form is too large.' }, { status: 413 })
  let formData: FormData
  try {
    const body = await readLimitedBody(request)
    formData = await new Response(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer, {
      headers: { 'content-type': request.headers.get('content-type') ?? '' },
    }).formData()
  } catch (error) {
    if (isDataWithStatus(error, 413)) throw error
    throw data({ message: 'The form could not be read.' }, { status: 400 })
  }
  try {
    await verifyCsrf(request, formData)
  } catch (error) {
    if (error instanceof CsrfError) {
      throw data({ message: 'This form has expired. Reload the page and submit it again.' }, { status: 403 })
    }
    throw error
  }
  return formData
}

/** The body, refused past the limit even when it arrives in chunks without a declared length. */
async function readLimitedBody(request: Request): Promise<Buffer> {
  const body = await readBodyUpTo(request, MAX_FORM_BYTES)
  if (!body) throw data({ message: 'The form is too large.' }, { status: 413 })
  return body
}

/** A request body of at most `limit` bytes, or null past it (checked as the chunks arrive). */
export async function readBodyUpTo(request: Request, limit: number): Promise<Buffer | null> {
  const reader = request.body?.getReader()
  if (!reader) return Buffer.alloc(0)
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

function isDataWithStatus(error: unknown, status: number) {
  return typeof error === 'object' && error !== null && (error as { init?: { status?: number } | null }).init?.status === status
}

/** Form values as a plain object for zod; repeated fields become arrays, files are dropped. */
export function formValues(formData: FormData | URLSearchParams) {
  const values: Record<string, string | string[]> = Object.create(null)
  for (const [key, value] of formData) {
    if (typeof value !== 'string' || key === 'csrf' || key.startsWith('$') || key === '__proto__') continue
    const previous = values[key]
    values[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value]
  }
  return values
}

export type FieldErrors = Record<string, string[]>

/** Parses with a schema; on failure returns field errors (messages are translation keys). */
export function parseForm<T extends z.ZodType>(schema: T, formData: FormData) {
  const values = formValues(formData)
  // No field of any form may carry a card number, whatever its schema says.
  const cardFields = Object.entries(values).filter(([, value]) => (Array.isArray(value) ? value : [value]).some(containsCardNumber))
  if (cardFields.length > 0) {
    return { ok: false as const, errors: Object.fromEntries(cardFields.map(([field]) => [field, ['cardNumber']])) as FieldErrors, values }
  }
  const result = schema.safeParse(values)
  if (result.success) return { ok: true as const, value: result.data as z.infer<T>, values }
  const errors: FieldErrors = {}
  for (const issue of result.error.issues) {
    const field = issue.path.join('.') || 'form'
    ;(errors[field] ??= []).push(issue.message)
  }
  return { ok: false as const, errors, values }
}
