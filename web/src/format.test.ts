import { describe, expect, it } from 'vitest'
import { changePath, changeValue, editable, fieldKey, idCard, identityErrors, passwordRules, setEnum, setKey, shown } from './format'

describe('passwordRules', () => {
  it('passes a good password and names each broken rule', () => {
    expect(passwordRules('Teach#2026', 'zhang').every((r) => r.ok)).toBe(true)
    const broken = passwordRules('abc', 'zhang').filter((r) => !r.ok).map((r) => r.key)
    expect(broken).toEqual(['length', 'classes'])
    expect(passwordRules('xZhang#2026', 'zhang').find((r) => r.key === 'username')?.ok).toBe(false)
    expect(passwordRules('Teach 2026#中', '').find((r) => r.key === 'charset')?.ok).toBe(false)
  })
})

describe('paths and values', () => {
  it('maps error paths and set names', () => {
    expect(fieldKey('entry.education.endMonth')).toBe('endMonth')
    expect(fieldKey('entry.work[abc].post')).toBe('post')
    expect(fieldKey('basic.idNumber')).toBe('idNumber')
    expect(setKey('POST_APPOINTMENT')).toBe('postAppointment')
    expect(setEnum('postAppointment')).toBe('POST_APPOINTMENT')
  })
  it('shows codes by name and dates by month', () => {
    expect(shown({ code: '1', name: '男' })).toBe('男')
    expect(shown('1991-12-04')).toBe('1991-12')
    expect(shown([{ code: '13', name: '群众' }, { code: '1', name: '中共党员' }])).toBe('群众、中共党员')
    expect(shown(true)).toBe('是')
    expect(editable([{ code: '13', name: '群众' }])).toEqual(['13'])
  })
})

describe('changes since approval', () => {
  it('splits paths into set and field', () => {
    expect(changePath('basic.ethnicity')).toEqual({ set: 'basic', field: 'ethnicity' })
    expect(changePath('entry.education[6650a1].endMonth')).toEqual({ set: 'education', field: 'endMonth' })
    expect(changePath('entry.postAppointment[6650a1]')).toEqual({ set: 'postAppointment', field: '' })
  })
  it('shows old and new values', () => {
    expect(changeValue(null)).toBe('（无）')
    expect(changeValue('"2005-07"')).toBe('2005-07')
    expect(changeValue('{"institution": "西北师范大学", "endMonth": "2005-07"}')).toBe('西北师范大学，2005-07')
    expect(changeValue('not json')).toBe('not json')
  })
})

describe('idCard', () => {
  it('reads the birth date and gender of a valid number, as the server does', () => {
    expect(idCard('11010519491231002X')).toEqual({ birthDate: '1949-12-31', gender: '2' })
    expect(idCard('1101051949123100')).toBeNull() // not typed to the end yet
    expect(idCard('110105194912310021')).toEqual({ error: '居民身份证号码校验位不正确' })
    expect(identityErrors({ idType: '1', idNumber: '11010519491231002X', birthDate: '1949-12-30', gender: '1' })).toEqual({
      birthDate: '出生日期与身份证件号中的出生日期不一致',
      gender: '性别与身份证件号不一致（第17位奇数为男，偶数为女）',
    })
    expect(identityErrors({ idType: '2', idNumber: 'G1234567' })).toEqual({})
  })
})
