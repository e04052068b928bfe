import { openApiDocument } from '~/api/openapi.server'

/** The OpenAPI 3.1 document of /api/v1, public (it describes, it does not disclose). */
export function loader() {
  return Response.json(openApiDocument(), { headers: { 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' } })
}
