import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { csvExportResponse, exportFormRedirect } from '~/reports/export-responses.server'

/** The action reports of the initiative's tasks as CSV (resource route): a visit asks for the purpose first. */
export async function loader(args: LoaderFunctionArgs) {
  return exportFormRedirect(args, 'reports')
}

export async function action(args: ActionFunctionArgs) {
  return csvExportResponse(args, 'reports')
}
