import { apiRoute } from '~/api/endpoint.server'
import { getIndicatorEndpoint } from '~/api/indicators.server'

const route = apiRoute(getIndicatorEndpoint)
export const loader = route.loader
export const action = route.action
