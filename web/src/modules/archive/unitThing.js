// Add / edit / remove of the small records hanging off a unit — vehicles and pets — which
// work alike: POST /units/{id}/{collection}, PATCH /{collection}/{id} with version (only the
// changed fields), POST /{collection}/{id}/actions/remove (kept on record, no longer shown).
import { nextTick, reactive, ref } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message-box/style/css'
import { api, showError, showFieldError, clearFieldErrors } from '../../api'

/**
 * unit: () => the unit; collection: 'vehicles' | 'pets'; fields: {name: default};
 * describe(row) names a record in messages; onChanged() reloads the unit.
 */
export function useUnitThing({ unit, collection, fields, describe, onChanged }) {
  const open = ref(false)
  const editing = ref(null)
  const saving = ref(false)
  const formRef = ref()
  const form = reactive({ ...fields })
  const errors = reactive(Object.fromEntries(Object.keys(fields).map((k) => [k, ''])))
  const known = Object.fromEntries(Object.keys(fields).map((k) => [k, k]))

  function openEdit(row) {
    editing.value = row
    for (const [k, d] of Object.entries(fields)) form[k] = row ? (row[k] ?? d) : d
    clearFieldErrors(errors)
    open.value = true
    nextTick(() => formRef.value?.clearValidate())
  }

  async function save() {
    if (saving.value) return
    clearFieldErrors(errors)
    const ok = await formRef.value.validate().catch(() => false)
    if (!ok) return
    saving.value = true
    try {
      const row = editing.value
      if (row) {
        const body = {}
        for (const [k, d] of Object.entries(fields)) {
          const now = form[k] === '' && d === null ? null : form[k]
          if (now !== (row[k] ?? d)) body[k] = now ?? (d === null ? null : '')
        }
        if (Object.keys(body).length) {
          await api.patch(`/${collection}/${row.id}`, { version: row.version, ...body })
          ElMessage.success('已保存')
        }
      } else {
        const body = {}
        for (const k of Object.keys(fields)) {
          if (form[k] !== null && form[k] !== undefined && form[k] !== '') body[k] = form[k]
        }
        await api.post(`/units/${unit().id}/${collection}`, body)
        ElMessage.success(`已添加${describe(form)}`)
      }
      open.value = false
      onChanged()
    } catch (err) {
      if (err.status === 409 && err.code === 'conflict') {
        ElMessage.warning('该记录刚被他人修改过，已载入最新内容，请核对后再改')
        open.value = false
        onChanged()
        return
      }
      showFieldError(err, errors, known)
    } finally {
      saving.value = false
    }
  }

  async function remove(row) {
    try {
      await ElMessageBox.confirm(`确定从 ${unit().code} 移除${describe(row)}吗？记录会保留在变更记录中。`, '移除', {
        type: 'warning', confirmButtonText: '移除', cancelButtonText: '取消', autofocus: false,
      })
    } catch {
      return
    }
    try {
      await api.post(`/${collection}/${row.id}/actions/remove`)
      ElMessage.success('已移除')
      onChanged()
    } catch (err) {
      showError(err)
    }
  }

  return { open, editing, saving, formRef, form, errors, openEdit, save, remove }
}
