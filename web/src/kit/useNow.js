// A clock for countdowns: a ref holding Date.now(), moved on every `ms` while the component
// is mounted.
import { onBeforeUnmount, onMounted, ref } from 'vue'

export function useNow(ms = 30000) {
  const now = ref(Date.now())
  let timer = null
  onMounted(() => { timer = setInterval(() => { now.value = Date.now() }, ms) })
  onBeforeUnmount(() => clearInterval(timer))
  return now
}
