import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { csvExportResponse, exportFormRedirect } from '~/reports/export-responses.server'

/** The initiative's tasks as CSV (resource route): a visit asks for the purpose, a post with one downloads. */
export async function loader(args: LoaderFunctionArgs) {
  return exportFormRedirect(args, 'tasks')
}

export async function action(args: ActionFunctionArgs) {
  return csvExportResponse(args, 'tasks')
}
