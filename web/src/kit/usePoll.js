// Live lists without a reload: a poller that calls fn every few seconds while the page is on
// screen, and not at all while it is hidden (another tab, a minimised window, a locked phone):
// document.visibilityState. When the page shows again it calls fn at once, then goes on.
import { onBeforeUnmount, onMounted } from 'vue'

/** localStorage key of the interval in seconds: the browser tests set it to 1. */
export const POLL_KEY = 'kefu.pollSeconds'

/** The interval in seconds: localStorage's POLL_KEY when set, else `fallback`. */
export function pollSeconds(fallback = 15) {
  let v = 0
  try { v = Number(localStorage.getItem(POLL_KEY)) } catch { /* storage disabled */ }
  return v > 0 ? v : fallback
}

/**
 * usePoll(fn, {seconds, when}) — in a component's setup: calls fn() every `seconds` (default
 * 15; see POLL_KEY) from mounting to unmounting, while the page is visible and `when()` is true
 * (e.g. only on one tab of a list). One call at a time; a failed call is left to the next.
 * fn should be cheap (a first page) and quiet (no spinner): useList's refresh() is.
 */
export function usePoll(fn, { seconds = 15, when = () => true } = {}) {
  let timer = null
  let running = false
  let stopped = false

  const visible = () => document.visibilityState !== 'hidden'

  function schedule() {
    clearTimeout(timer)
    timer = stopped || !visible() ? null : setTimeout(tick, pollSeconds(seconds) * 1000)
  }

  async function tick() {
    if (!running && visible() && when()) {
      running = true
      try { await fn() } catch { /* the next tick tries again */ } finally { running = false }
    }
    schedule()
  }

  function onVisibility() {
    if (visible()) tick()
    else clearTimeout(timer)
  }

  onMounted(() => {
    document.addEventListener('visibilitychange', onVisibility)
    schedule()
  })
  onBeforeUnmount(() => {
    stopped = true
    clearTimeout(timer)
    document.removeEventListener('visibilitychange', onVisibility)
  })
}
