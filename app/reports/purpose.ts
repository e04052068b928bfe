/** Export vocabulary shared by the server and the export page (no server code here). */

/** Why someone takes an initiative's data out of the portal: asked before every export, and audited. */
export const exportPurposes = ['progress_review', 'partner_follow_up', 'report_to_authority', 'data_protection_review', 'other'] as const
export type ExportPurpose = (typeof exportPurposes)[number]

/** The files an initiative can be exported as, each at its own address under /initiatives/:id/. */
export const exportKinds = ['tasks', 'reports', 'pdf'] as const
export type ExportKind = (typeof exportKinds)[number]
/** The kinds that are spreadsheets (one row per task or per reported action). */
export type CsvKind = Exclude<ExportKind, 'pdf'>

export const exportFileOf: Record<ExportKind, string> = { tasks: 'tasks.csv', reports: 'reports.csv', pdf: 'report.pdf' }

export function isExportKind(value: unknown): value is ExportKind {
  return typeof value === 'string' && (exportKinds as readonly string[]).includes(value)
}

/** The purpose a note must explain: "other" says nothing by itself. */
export const NOTE_REQUIRED_FOR: ExportPurpose = 'other'
export const NOTE_MAX = 500
