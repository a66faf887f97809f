// isMobile: true below 768 px wide (phones); shared by every component.
import { ref } from 'vue'

const query = typeof window !== 'undefined' ? window.matchMedia('(max-width: 767px)') : null
export const isMobile = ref(query ? query.matches : false)
if (query) query.addEventListener('change', (e) => { isMobile.value = e.matches })

export function useMobile() {
  return isMobile
}
