import { apiRoute } from '~/api/endpoint.server'
import { recordSightingEndpoint } from '~/api/indicators.server'

const route = apiRoute(recordSightingEndpoint)
export const loader = route.loader
export const action = route.action
