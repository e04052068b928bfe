import { apiRoute } from '~/api/endpoint.server'
import { listInitiativesEndpoint } from '~/api/initiatives.server'

const route = apiRoute(listInitiativesEndpoint)
export const loader = route.loader
export const action = route.action
