// How every form treats an answer: errors keyed by the field they name (beside it), anything
// else as the form's own error under `_form`; failures of the call itself shown the same way.
import { ElMessage } from 'element-plus'
import type { Ref } from 'vue'
import { ApiError, type UserError } from '@/api/client'
import { t } from '@/messages'

export type Errors = Record<string, string>

export function failure(err: unknown): string {
  return err instanceof ApiError ? err.message : t.serverError
}

/** userErrors by key (`key` maps a field path, '' for the form); messages on one key joined. */
export function byField(userErrors: readonly UserError[], key: (field: string) => string = (f) => f): Errors {
  const errors: Errors = {}
  for (const e of userErrors) {
    const k = (e.field && key(e.field)) || '_form'
    errors[k] = errors[k] ? `${errors[k]}；${e.message}` : e.message
  }
  return errors
}

/** Runs a submit while `busy`; its userErrors (or its failure) land in `errors`. True when it went through. */
export async function submitting(busy: Ref<boolean>, errors: Ref<Errors>, call: () => Promise<readonly UserError[]>, key?: (field: string) => string): Promise<boolean> {
  busy.value = true
  errors.value = {}
  try {
    errors.value = byField(await call(), key)
  } catch (err) {
    errors.value = { _form: failure(err) }
  } finally {
    busy.value = false
  }
  return Object.keys(errors.value).length === 0
}

/** Outside a form: a failed call shown as a message; null then. */
export async function orMessage<T>(call: () => Promise<T>): Promise<T | null> {
  try {
    return await call()
  } catch (err) {
    ElMessage.error(failure(err))
    return null
  }
}

/** Outside a form: a failure or the userErrors shown as a message; null unless it went through. */
export async function notifying<T extends { userErrors: readonly UserError[] }>(call: () => Promise<T>): Promise<T | null> {
  const reply = await orMessage(call)
  if (reply?.userErrors.length) ElMessage.error(reply.userErrors.map((e) => e.message).join('；'))
  return reply?.userErrors.length ? null : reply
}
