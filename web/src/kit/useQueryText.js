// A list's search text that a link can set: /people?q=1381 opens the list searched for 1381 (the
// lookup's 「还有 N 人，查看全部」), and a new ?q while the page is open searches again.
import { ref, watch } from 'vue'
import { useRoute } from 'vue-router'

/** useQueryText(onChange, key = 'q') — a ref seeded from the route's ?key; onChange() on a new one. */
export function useQueryText(onChange, key = 'q') {
  const route = useRoute()
  const read = () => (typeof route.query[key] === 'string' ? route.query[key] : '')
  const text = ref(read())
  watch(() => route.query[key], () => {
    text.value = read()
    onChange?.()
  })
  return text
}
