import { describe, expect, it } from 'vitest'
import { fitting, keptValue, type Within } from './within'

const grades = [{ code: '101' }, { code: '201' }, { code: '999' }]
const byCategory: Within = { field: 'postCategory', subtrees: false, choices: [{ value: '1', codes: ['101', '999'] }, { value: '3', codes: ['201', '999'] }] }
const courses = [{ code: '1', parent: null }, { code: '11', parent: '1' }, { code: '111', parent: '11' }, { code: '2', parent: null }, { code: '21', parent: '2' }]
const byStage: Within = { field: 'teachingStage', subtrees: true, choices: [{ value: '2', codes: ['1'] }, { value: '3', codes: ['2'] }] }

describe('fitting', () => {
  it('offers only the codes listed for the deciding value', () => {
    expect(fitting(grades, byCategory, '3').map((c) => c.code)).toEqual(['201', '999'])
    expect(fitting(grades, byCategory, '4')).toEqual([])
  })
  it('offers everything while nothing decides, or nothing restricts', () => {
    expect(fitting(grades, byCategory, undefined)).toEqual(grades)
    expect(fitting(grades, byCategory, [])).toEqual(grades)
    expect(fitting(grades, null, '3')).toEqual(grades)
  })
  it('takes a whole subtree under a listed root, and any of several values', () => {
    expect(fitting(courses, byStage, '2').map((c) => c.code)).toEqual(['1', '11', '111'])
    expect(fitting(courses, byStage, ['2', '3']).map((c) => c.code)).toEqual(['1', '11', '111', '2', '21'])
  })
  it('keeps only what still fits', () => {
    expect(keptValue('101', fitting(grades, byCategory, '3'))).toBeUndefined()
    expect(keptValue('999', fitting(grades, byCategory, '3'))).toBe('999')
    expect(keptValue(['11', '21'], fitting(courses, byStage, '3'))).toEqual(['21'])
  })
})
