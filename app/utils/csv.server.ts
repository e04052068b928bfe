import { stringify } from 'csv-stringify/sync'

/** Characters that make a spreadsheet read a cell as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/

/** A cell as text, with a leading quote when a spreadsheet would otherwise run it as a formula. */
export function neutraliseCsvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value)
  return FORMULA_START.test(text) ? `'${text}` : text
}

const UTF8_BOM = '\uFEFF'

/**
 * CSV text for rows of cells, every cell neutralised. `bom` starts the file with a byte-order mark so
 * that spreadsheets read accented and Cyrillic text as UTF-8: use it for the first chunk only.
 */
export function csvLines(rows: unknown[][], { bom = false }: { bom?: boolean } = {}): string {
  const text = stringify(
    rows.map((row) => row.map(neutraliseCsvCell)),
    // CRLF records; a lone line break inside a cell must be quoted too, which the library does not do by itself.
    { record_delimiter: 'windows', quoted_match: /[\r\n]/ },
  )
  return bom ? UTF8_BOM + text : text
}

/** A file name part for today, e.g. `2025-03-14`. */
export function csvDateStamp(now = new Date()) {
  return now.toISOString().slice(0, 10)
}
