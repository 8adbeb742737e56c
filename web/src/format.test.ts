import { describe, expect, it } from 'vitest'
import { editable, fieldKey, passwordRules, setEnum, setKey, shown } from './format'

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
