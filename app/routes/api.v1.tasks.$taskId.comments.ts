import { apiRoute } from '~/api/endpoint.server'
import { addCommentEndpoint } from '~/api/tasks.server'

const route = apiRoute(addCommentEndpoint)
export const loader = route.loader
export const action = route.action
