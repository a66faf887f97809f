// The unit the user is looking at: the unit page sets it while it is shown (with the person
// picked in its people card), so a global action taken there starts from it — F2 新登记 opens
// with that unit (and person) filled in. Nothing else writes it.
import { reactive, onBeforeUnmount } from 'vue'

export const currentUnit = reactive({ unit: null, person: null })

/** On the unit page: show(unit) when it is loaded, pick(person) in its people card; left on unmount. */
export function useCurrentUnit() {
  onBeforeUnmount(() => {
    currentUnit.unit = null
    currentUnit.person = null
  })
  return {
    show(unit) {
      if (currentUnit.unit?.id !== unit?.id) currentUnit.person = null
      currentUnit.unit = unit
    },
    pick(person) {
      currentUnit.person = currentUnit.person?.id === person?.id ? null : person
    },
  }
}

/** What a registration started here is filled with: { unit_id, person_id, ...extra }, or extra alone. */
export function unitPrefill(extra = {}) {
  if (!currentUnit.unit) return Object.keys(extra).length ? extra : null
  return { unit_id: currentUnit.unit.id, person_id: currentUnit.person?.id ?? null, ...extra }
}
