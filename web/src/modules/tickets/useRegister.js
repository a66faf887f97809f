// The 新登记 dialog is one for the whole app: F2 (MainLayout), the header button and the
// menu open it from anywhere. `prefill` may carry {unit_id, kind} from the page that opened it.
import { reactive } from 'vue'

export const register = reactive({ open: false, prefill: null, seq: 0 })

export function openRegister(prefill = null) {
  register.prefill = prefill
  register.seq++
  register.open = true
}

export function closeRegister() {
  register.open = false
}
