// Small helpers for the kit's dialogs' forms.

/** required(message, trigger) — an el-form rule list for a field that must be filled. */
export const required = (message, trigger = 'change') => [{ required: true, message, trigger }]

/** versioned(record) — the start of an action's body: {version} when the record has one. */
export function versioned(record) {
  const b = {}
  if (record?.version !== undefined && record?.version !== null) b.version = record.version
  return b
}
