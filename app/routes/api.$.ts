import { problem } from '~/api/problem.server'

/** Any other address under /api answers as an API does: a problem document, not a page. */
const notFound = () => problem(404, 'not-found', 'No such endpoint. The reference is at /api/v1/openapi.json.')
export const loader = notFound
export const action = notFound
