import { Types } from 'mongoose'
import { z } from 'zod'

/**
 * Keyset paging ("?after=" / "?before=" cursors): each page starts right after the last row of the
 * previous one in the sort order, so pages stay stable and cheap however long the list grows. The last
 * key field must be unique (`_id`).
 */
export type KeyField = { field: string; direction: 1 | -1; type: 'string' | 'date' | 'id' }
export type KeySpec = readonly KeyField[]

type Filter = Record<string, unknown>
export type Page<T> = { items: T[]; next: string | null; previous: string | null }

const cursorValues = z.array(z.string().max(400))

export function encodeCursor(spec: KeySpec, row: Record<string, unknown>) {
  const values = spec.map(({ field, type }) => {
    const value = row[field]
    return type === 'date' && value instanceof Date ? value.toISOString() : String(value ?? '')
  })
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

/** The key values a cursor stands for, or null when it is not one of ours (then paging starts over). */
export function decodeCursor(spec: KeySpec, cursor: string | undefined): unknown[] | null {
  if (!cursor) return null
  let raw: unknown
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  const parsed = cursorValues.length(spec.length).safeParse(raw)
  if (!parsed.success) return null
  const values: unknown[] = []
  for (const [index, { type }] of spec.entries()) {
    const value = parsed.data[index] ?? ''
    if (type === 'id') {
      if (!/^[0-9a-f]{24}$/i.test(value)) return null
      values.push(new Types.ObjectId(value))
    } else if (type === 'date') {
      const date = new Date(value)
      if (Number.isNaN(date.getTime())) return null
      values.push(date)
    } else {
      values.push(value)
    }
  }
  return values
}

/** Rows strictly after (or, going back, before) the given key in the sort order. */
function keysetFilter(spec: KeySpec, values: unknown[], forward: boolean): Filter {
  return {
    $or: spec.map(({ field, direction }, index) => {
      const clause: Filter = {}
      for (let earlier = 0; earlier < index; earlier++) {
        const key = spec[earlier]
        if (key) clause[key.field] = values[earlier]
      }
      const ascending = (direction === 1) === forward
      clause[field] = { [ascending ? '$gt' : '$lt']: values[index] }
      return clause
    }),
  }
}

function sortOf(spec: KeySpec, forward: boolean) {
  const sort: Record<string, 1 | -1> = {}
  for (const { field, direction } of spec) sort[field] = forward ? direction : direction === 1 ? -1 : 1
  return sort
}

/**
 * One page of `run`'s rows under `filter`, after the `after` cursor or before the `before` one.
 * `run` receives the full filter, the sort and how many rows to read.
 */
export async function keysetPage<T extends Record<string, unknown>>({
  spec,
  filter,
  after,
  before,
  pageSize,
  run,
}: {
  spec: KeySpec
  filter: Filter
  after?: string
  before?: string
  pageSize: number
  run: (filter: Filter, sort: Record<string, 1 | -1>, limit: number) => Promise<T[]>
}): Promise<Page<T>> {
  const afterKey = decodeCursor(spec, after)
  const beforeKey = afterKey ? null : decodeCursor(spec, before)
  const forward = !beforeKey
  const key = afterKey ?? beforeKey
  const fullFilter = key ? { $and: [filter, keysetFilter(spec, key, forward)] } : filter
  const rows = await run(fullFilter, sortOf(spec, forward), pageSize + 1)
  const more = rows.length > pageSize
  const items = rows.slice(0, pageSize)
  if (!forward) items.reverse()
  const first = items[0]
  const last = items[items.length - 1]
  const hasNext = forward ? more : true
  const hasPrevious = forward ? Boolean(afterKey) : more
  return {
    items,
    next: hasNext && last ? encodeCursor(spec, last) : null,
    previous: hasPrevious && first ? encodeCursor(spec, first) : null,
  }
}
