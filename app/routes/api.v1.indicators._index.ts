import { apiRoute } from '~/api/endpoint.server'
import { listIndicatorsEndpoint, submitIndicatorsEndpoint } from '~/api/indicators.server'

const route = apiRoute(listIndicatorsEndpoint, submitIndicatorsEndpoint)
export const loader = route.loader
export const action = route.action
