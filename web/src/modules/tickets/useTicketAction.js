// Posting one workflow action on a ticket or a complaint from a dialog
// (POST /tickets/{id}/actions/{action}, docs/api.md "Actions"): validate the form, post with the
// record's version, say what was done. 409 (someone else acted, or the state moved on) is shown
// in the server's words and the page reloads (`stale`); 422 lands on the field.
import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import { api, showFieldError, clearFieldErrors, showError } from '../../api'

/** required(message, trigger) — an el-form rule list for a field that must be filled. */
export const required = (message, trigger = 'change') => [{ required: true, message, trigger }]

/** versioned(ticket) — the start of an action's body: {version} when the record has one. */
export function versioned(ticket) {
  const b = {}
  if (ticket?.version !== undefined && ticket?.version !== null) b.version = ticket.version
  return b
}

/**
 * useTicketAction(props, emit, opts) — props has ticket and action; emit takes done, stale and
 * update:modelValue. opts: errors (reactive field → message), errorFields (server field → form
 * field), body() the request body, doneText(ticket) the success message, check() an extra
 * check after the form's rules (false stops the submit; it sets its own errors).
 * Returns formRef (for ref="formRef" on the el-form), saving and submit().
 */
export function useTicketAction(props, emit, { errors, errorFields, body, doneText, check = () => true }) {
  const formRef = ref()
  const saving = ref(false)

  async function submit() {
    if (saving.value || !props.ticket) return
    clearFieldErrors(errors)
    const ok = await formRef.value.validate().catch(() => false)
    if (!ok || !check()) return
    saving.value = true
    try {
      const t = await api.post(`/tickets/${props.ticket.id}/actions/${props.action}`, body())
      ElMessage.success(doneText(t))
      emit('done', t)
      emit('update:modelValue', false)
    } catch (err) {
      if (err.status === 409) {
        // the record moved on under us (someone else acted, or the state no longer allows it)
        ElMessage.error({ message: err.message, duration: 5000 })
        emit('stale')
        emit('update:modelValue', false)
      } else if (err.status === 422) {
        showFieldError(err, errors, errorFields)
      } else {
        showError(err)
      }
    } finally {
      saving.value = false
    }
  }
  return { formRef, saving, submit }
}
