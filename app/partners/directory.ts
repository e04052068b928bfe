/** Directory sorting, shared by the server query and the page's column headers. */
export const directorySorts = ['name', 'country', 'kind', 'joined'] as const
export type DirectorySort = (typeof directorySorts)[number]

export const defaultSortDirection: Record<DirectorySort, 'asc' | 'desc'> = { name: 'asc', country: 'asc', kind: 'asc', joined: 'desc' }
