import { Types } from 'mongoose'
import { z } from 'zod'
import { ApiProblem } from './problem.server'

/**
 * Pieces shared by the endpoints' schemas: they validate requests and, through the OpenAPI document,
 * describe requests and responses.
 */

export const isoDateTime = z.iso.datetime({ offset: true }).describe('An ISO 8601 date and time, e.g. 2026-11-29T10:00:00Z')

export const limitParam = z.coerce
  .number()
  .int()
  .min(1)
  .max(200)
  .default(50)
  .describe('How many items per page (1–200, default 50)')

export const nextParam = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/)
  .optional()
  .describe('The `next` value of the previous page, to read the page after it')

export const updatedSinceParam = isoDateTime.optional().describe('Only items changed at or after this time (a delta feed: pass the time of your last sync)')

/** A page of items in a stable order, with the cursor of the page after it (null at the end). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    next: z.string().nullable().describe('Pass as `next` to read the following page; null when this is the last'),
  })

export const mongoId = z
  .string()
  .regex(/^[a-f\d]{24}$/i)
  .describe('An identifier of 24 hexadecimal characters')

/** Opaque keyset cursors: the sort value and the id of the last item of a page. */
export function encodeCursor(at: Date, id: string) {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url')
}

const cursorShape = z.tuple([z.iso.datetime(), z.string().min(1).max(200)])
function decodeCursor(cursor: string): { at: Date; id: string } | null {
  try {
    const parsed = cursorShape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
    return parsed.success ? { at: new Date(parsed.data[0]), id: parsed.data[1] } : null
  } catch {
    return null
  }
}

/**
 * The filter for the items after a page's last one (lists run oldest change first, by `updatedAt`
 * then `_id`), from the `next` value the API gave; anything else is a 400.
 */
export function itemsAfter(next: string | undefined, ids: 'objectId' | 'string') {
  if (!next) return null
  const cursor = decodeCursor(next)
  if (!cursor || (ids === 'objectId' && !/^[a-f\d]{24}$/i.test(cursor.id))) {
    throw new ApiProblem(400, 'invalid-request', 'The `next` cursor is not one this API gave.')
  }
  const id = ids === 'objectId' ? new Types.ObjectId(cursor.id) : cursor.id
  return { $or: [{ updatedAt: { $gt: cursor.at } }, { updatedAt: cursor.at, _id: { $gt: id } }] }
}
