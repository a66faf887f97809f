// Add / edit / remove of the small records hanging off a unit — vehicles and pets — which
// work alike: POST /units/{id}/{collection}, PATCH /{collection}/{id} with version (only the
// changed fields; kit/useEditForm), POST /{collection}/{id}/actions/remove (kept on record, no
// longer shown). UnitThingTab.vue shows them.
import { ElMessage, ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message-box/style/css'
import { api, showError } from '../../api'
import { useEditForm } from '../../kit/useEditForm'

/**
 * unit: () => the unit; collection: 'vehicles' | 'pets'; fields: {name: default} (a null
 * default: an emptied field is sent as null); describe(row) names a record in messages;
 * onChanged() reloads the unit.
 */
export function useUnitThing({ unit, collection, fields, describe, onChanged }) {
  const edit = useEditForm({
    fields,
    value: (v, d) => (v === '' || v === undefined ? (d === null ? null : '') : v),
    update: (row, changed) => api.patch(`/${collection}/${row.id}`, { version: row.version, ...changed }),
    create: (form) => {
      const body = {}
      for (const k of Object.keys(fields)) {
        if (form[k] !== null && form[k] !== undefined && form[k] !== '') body[k] = form[k]
      }
      return api.post(`/units/${unit().id}/${collection}`, body)
    },
    createdText: (form) => `已添加${describe(form)}`,
    conflictText: '该记录刚被他人修改过，已载入最新内容，请核对后再改',
    done: onChanged,
  })

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

  return { ...edit, remove }
}
