import { apiRoute } from '~/api/endpoint.server'
import { getInitiativeEndpoint } from '~/api/initiatives.server'

const route = apiRoute(getInitiativeEndpoint)
export const loader = route.loader
export const action = route.action
