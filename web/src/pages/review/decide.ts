// Approve or reject records (one or many); the reason of a rejection is asked first and required.
// What could not be done comes back per record (field = the teacher id), e.g. REVIEW_BLOCKED with
// the plugin's message, for the page to show beside the record's name.
import { ElMessage, ElMessageBox } from 'element-plus'
import { request } from '@/api/client'
import { orMessage } from '@/api/forms'
import { ApproveRecordsDocument, RejectRecordsDocument } from '@/gql/graphql'
import { t } from '@/messages'

export interface Failure { id: string; code: string; message: string }

/** null when the user cancelled or the call failed (already shown); else the per-record failures. */
export async function decide(ids: string[], action: 'approve' | 'reject'): Promise<{ succeeded: string[]; failures: Failure[] } | null> {
  let reply
  if (action === 'reject') {
    const asked = await ElMessageBox.prompt(t.review.reason, t.review.reject, {
      confirmButtonText: t.review.reject, cancelButtonText: t.cancel, inputPattern: /\S/, inputErrorMessage: t.review.reasonRequired,
      inputType: 'textarea', customClass: 'reject-box',
    }).catch(() => null)
    if (!asked) return null
    reply = (await orMessage(() => request(RejectRecordsDocument, { teacherIds: ids, reason: asked.value.trim() })))?.rejectRecords
  } else {
    reply = (await orMessage(() => request(ApproveRecordsDocument, { teacherIds: ids, comment: null })))?.approveRecords
  }
  if (!reply) return null
  if (reply.succeeded.length) ElMessage.success((action === 'reject' ? t.review.rejected : t.review.approved)(reply.succeeded.length))
  return { succeeded: reply.succeeded, failures: reply.userErrors.map((e) => ({ id: e.field ?? '', code: e.code, message: e.message })) }
}
