import { expect, test } from 'vitest'
import { publicCount } from '~/utils/public-count'

test('public figures hide counts under five', () => {
  expect([0, 1, 4].map(publicCount)).toEqual(['<5', '<5', '<5'])
  expect([5, 12, 1_250].map(publicCount)).toEqual(['5', '12', '1,250'])
})
