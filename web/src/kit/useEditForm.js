// The state of a FormDialog that creates a record or edits one (a building, a project, a unit's
// vehicle or pet): the form filled from the record (or the defaults), on save only the changed
// fields are sent with the record's version (nothing sent when nothing changed), a new record
// gets the form; "已保存" / createdText(form) is said and done() runs (the page reloads). A 409
// conflict (someone else saved first) says conflictText, closes the dialog and runs done().
//
//   const f = useEditForm({ fields: {name: default}, update(row, changed), create(form), … })
//   <FormDialog v-model="f.open.value" :model="f.form" :errors="f.errors" :error-fields="f.errorFields"
//               :save="f.save" :failed="f.failed"> … ; f.edit(row) opens it (null: a new one)
import { reactive, ref } from 'vue'
import { ElMessage } from 'element-plus'

/**
 * fields       {name: default} — the form's fields (errors and 422 fields are named the same)
 * current      (row, name, default) => the record's value as the form shows it (row[name] ?? default)
 * value        (formValue, default) => the value to compare and send (default: as typed)
 * update       (row, changed) => Promise — PATCH the changed fields (with row.version)
 * create       (form) => Promise — POST the new record
 * createdText  (form) => the message once created
 * conflictText the 409 message (default: the server's)
 * done         () => reload after a save or a conflict
 */
export function useEditForm({ fields, current = (row, k, d) => row[k] ?? d, value = (v) => v, update, create, createdText, conflictText, done }) {
  const open = ref(false)
  const editing = ref(null)
  const form = reactive({ ...fields })
  const errors = reactive(Object.fromEntries(Object.keys(fields).map((k) => [k, ''])))
  const errorFields = Object.fromEntries(Object.keys(fields).map((k) => [k, k]))

  function edit(row) {
    editing.value = row
    for (const [k, d] of Object.entries(fields)) form[k] = row ? current(row, k, d) : d
    open.value = true
  }

  async function save() {
    const row = editing.value
    if (row) {
      const changed = {}
      for (const [k, d] of Object.entries(fields)) {
        const now = value(form[k], d)
        if (now !== current(row, k, d)) changed[k] = now
      }
      if (Object.keys(changed).length) {
        await update(row, changed)
        ElMessage.success('已保存')
      }
    } else {
      await create(form)
      ElMessage.success(createdText(form))
    }
    done()
  }

  function failed(err) {
    if (err.status !== 409 || err.code !== 'conflict') return false
    ElMessage.warning(conflictText || err.message)
    open.value = false
    done()
    return true
  }

  return { open, editing, form, errors, errorFields, edit, save, failed }
}
