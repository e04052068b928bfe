import { parse, type CsvError } from 'csv-parse/sync'
import { submitIndicatorBatch, type IndicatorRow, type RejectedRow } from './submit.server'
import { MAX_UPLOAD_BYTES, readUploadForm, textFormData, textOfUpload, UploadRefused, type UploadRefusal } from './uploads.server'
import { recordAudit } from '~/audit/audit.server'
import type { Viewer } from '~/policy/permissions'
import { CsrfError, verifyCsrf } from '~/utils/csrf.server'
import { csvDateStamp, csvLines } from '~/utils/csv.server'
import type { RequestMeta } from '~/utils/request.server'

/** The columns of an import file, in the order of the template; only `type` and `value` are required. */
export const importColumns = ['type', 'value', 'chain', 'acquirer', 'tlp', 'reliability', 'credibility', 'personal', 'context', 'first_seen', 'last_seen'] as const
export type ImportColumn = (typeof importColumns)[number]
const requiredColumns: ImportColumn[] = ['type', 'value']

export const MAX_IMPORT_ROWS = 100_000

/** Why a whole file was refused: its content (see uploads.server.ts) or its shape. */
export type ImportRefusal = UploadRefusal | 'header' | 'tooManyRows' | 'noRows'

export type ImportReport = {
  ok: true
  /** Data rows read (the header not counted). */
  rows: number
  created: number
  attached: number
  unchanged: number
  /** Each refused row with its line in the file, the column at fault and a reason code. */
  rejected: (RejectedRow & { field: ImportColumn | 'row' })[]
}
export type ImportRefused = { ok: false; refusal: ImportRefusal; line?: number; columns?: string[] }

/** Batch fields named as the file's columns, for the rejection report. */
const columnOfField: Record<string, ImportColumn | 'row'> = {
  type: 'type',
  value: 'value',
  chain: 'chain',
  acquirer: 'acquirer',
  tlp: 'tlp',
  reliability: 'reliability',
  credibility: 'credibility',
  personal: 'personal',
  context: 'context',
  firstSeenAt: 'first_seen',
  lastSeenAt: 'last_seen',
}

const isColumn = (name: string): name is ImportColumn => (importColumns as readonly string[]).includes(name)

type Record_ = { record: string[]; info: { lines: number } }

/**
 * Reads a CSV of indicators and stores its valid rows for the viewer's organisation. The file is
 * checked by content first (uploads.server.ts), then parsed: a header naming known columns (`type`
 * and `value` at least; any order), at most 100,000 data rows. Every row is validated; those that fail
 * are reported with their line and reason, the others stored through `submitIndicatorBatch` (one
 * audit event for the file). Importing the same file again adds nothing: every row is "unchanged".
 */
export async function importIndicatorsCsv(
  viewer: Viewer,
  bytes: Uint8Array,
  { meta }: { meta?: RequestMeta } = {},
): Promise<ImportReport | ImportRefused> {
  const refuse = async (outcome: ImportRefused): Promise<ImportRefused> => {
    await recordAudit({
      action: 'indicator.import_refused',
      outcome: 'failure',
      actor: { userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email },
      target: { kind: 'organisation', id: viewer.organisationId },
      meta,
      details: { reason: outcome.refusal, line: outcome.line, bytes: bytes.length },
    })
    return outcome
  }

  let text: string
  try {
    text = textOfUpload(bytes)
  } catch (error) {
    if (error instanceof UploadRefused) return refuse({ ok: false, refusal: error.code, line: error.line })
    throw error
  }

  const malformed: RejectedRow[] = []
  let records: Record_[]
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      // A line csv-parse cannot read (a stray quote) is reported like any other bad row.
      on_skip: (error: CsvError | undefined) => {
        // csv-parse may report one broken line more than once.
        const line = error?.lines ?? 0
        if (!malformed.some((entry) => entry.line === line)) malformed.push({ line, field: 'row', reason: 'malformed' })
        return undefined
      },
    }) as unknown as Record_[]
  } catch {
    return refuse({ ok: false, refusal: 'header', line: 1 })
  }

  const [header, ...body] = records
  if (!header) return refuse({ ok: false, refusal: 'noRows' })
  const names = header.record.map((name) => name.trim().toLowerCase().replace(/\s+/g, '_'))
  const unknown = names.filter((name) => !isColumn(name))
  const duplicated = names.filter((name, index) => names.indexOf(name) !== index)
  if (unknown.length > 0 || duplicated.length > 0 || requiredColumns.some((column) => !names.includes(column))) {
    return refuse({ ok: false, refusal: 'header', line: header.info.lines, columns: [...unknown, ...duplicated].map((name) => name.slice(0, 40)) })
  }
  if (body.length + malformed.length === 0) return refuse({ ok: false, refusal: 'noRows' })
  if (body.length + malformed.length > MAX_IMPORT_ROWS) return refuse({ ok: false, refusal: 'tooManyRows' })

  const rows: IndicatorRow[] = []
  for (const { record, info } of body) {
    if (record.length !== names.length) {
      malformed.push({ line: info.lines, field: 'row', reason: 'columnCount' })
      continue
    }
    const cell = (column: ImportColumn) => {
      const index = names.indexOf(column)
      return index === -1 ? undefined : record[index]
    }
    rows.push({
      line: info.lines,
      type: cell('type') ?? '',
      value: cell('value') ?? '',
      chain: cell('chain'),
      acquirer: cell('acquirer'),
      tlp: cell('tlp'),
      reliability: cell('reliability'),
      credibility: cell('credibility'),
      personal: cell('personal'),
      context: cell('context'),
      firstSeenAt: cell('first_seen'),
      lastSeenAt: cell('last_seen'),
    })
  }

  const result = await submitIndicatorBatch(viewer, rows, {
    meta,
    source: 'import',
    auditDetails: { bytes: bytes.length, malformed: malformed.length },
  })
  const rejected = [...malformed, ...result.rejected]
    .map((entry) => ({ ...entry, field: columnOfField[entry.field] ?? 'row' }))
    .sort((a, b) => a.line - b.line)
  return {
    ok: true,
    rows: body.length + malformed.filter((entry) => entry.reason === 'malformed').length,
    created: result.created,
    attached: result.attached,
    unchanged: result.unchanged,
    rejected,
  }
}

export type Translate = (key: string, options?: Record<string, unknown>) => string

/** The rejection report as a spreadsheet: line, column, reason code and the reason in the reader's language. */
export function rejectionReportCsv(rejected: ImportReport['rejected'], t: Translate) {
  const rows: unknown[][] = [[t('report.columns.line'), t('report.columns.column'), t('report.columns.code'), t('report.columns.reason')]]
  for (const entry of rejected) {
    // Our own reasons first, then the validation codes of the indicator types (`indicators:errors.*`).
    const fallback = t(`indicators:errors.${entry.reason}`, { defaultValue: t('reasons.invalid') })
    rows.push([entry.line, entry.field, entry.reason, t(`reasons.${entry.reason}`, { defaultValue: fallback })])
  }
  return { body: csvLines(rows, { bom: true }), filename: `indicator-import-rejections-${csvDateStamp()}.csv` }
}

/** A one-line example file with every column, offered on the import page. */
export function importTemplateCsv() {
  return csvLines([
    [...importColumns],
    ['domain', 'storefront.example.com', '', '', 'AMBER', 'B', '2', 'no', 'Storefront selling access', '2025-01-10', '2025-02-01'],
    ['crypto_wallet', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'btc', '', 'AMBER+STRICT', 'A', '1', 'no', 'Payment address on checkout page', '', ''],
  ])
}

/** Size of the largest accepted file, in megabytes, for messages. */
export const MAX_UPLOAD_MEGABYTES = Math.round(MAX_UPLOAD_BYTES / (1024 * 1024))

export type ImportAttempt =
  | { ok: false; refusal: ImportRefusal | 'csrf'; status: number; line?: number; columns?: string[] }
  | (ImportReport & { intent: string })

const mediaRefusals = new Set<string>(['image', 'video', 'archive', 'pdf', 'binary', 'encoding', 'markup', 'dataUri', 'base64'])
const statusOf = (refusal: string) => (refusal === 'tooLarge' ? 413 : mediaRefusals.has(refusal) ? 415 : refusal === 'csrf' ? 403 : 400)

/**
 * A posted import form, end to end: the multipart body is read first (it carries the anti-forgery field
 * inside, so nothing can be checked before it is parsed), with a size cap; then the anti-forgery field
 * is checked against its cookie, and only then is the file looked at and imported. Refusals come back
 * with the HTTP status that fits them (413 too large, 415 not a CSV, 403 forged, 400 otherwise).
 */
export async function importPostedFile(viewer: Viewer, request: Request, { meta }: { meta?: RequestMeta } = {}): Promise<ImportAttempt> {
  const refused = (refusal: ImportRefusal | 'csrf', extra: { line?: number; columns?: string[] } = {}) =>
    ({ ok: false as const, refusal, status: statusOf(refusal), ...extra })
  let upload: Awaited<ReturnType<typeof readUploadForm>>
  try {
    upload = await readUploadForm(request)
  } catch (error) {
    if (error instanceof UploadRefused) return refused(error.code)
    throw error
  }
  try {
    await verifyCsrf(request, textFormData(upload))
  } catch (error) {
    if (error instanceof CsrfError) return refused('csrf')
    throw error
  }
  if (!upload.file) return refused('missing')
  const outcome = await importIndicatorsCsv(viewer, upload.file.bytes, { meta })
  if (!outcome.ok) return refused(outcome.refusal, { line: outcome.line, columns: outcome.columns })
  return { ...outcome, intent: upload.fields.get('intent') ?? 'import' }
}
