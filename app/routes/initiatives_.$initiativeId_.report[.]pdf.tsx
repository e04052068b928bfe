import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { exportFormRedirect, pdfExportResponse } from '~/reports/export-responses.server'

/** The initiative's progress report as PDF (resource route): a visit asks for the purpose, a post with one downloads. */
export async function loader(args: LoaderFunctionArgs) {
  return exportFormRedirect(args, 'pdf')
}

export async function action(args: ActionFunctionArgs) {
  return pdfExportResponse(args)
}
