import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { onUnauthorized } from './api'
import { clearSession } from './store'
import { installToasts } from './kit/toast'
import './styles/main.css'
import { installDialogSubmitKey, installRadioGuard } from './kit/formKeys'

// Any 401 outside the login call: forget the session and go to the login page.
onUnauthorized(() => {
  clearSession()
  const here = router.currentRoute.value
  if (here.name !== 'login') {
    router.replace({ name: 'login', query: { redirect: here.fullPath } })
  }
})

installRadioGuard()
installDialogSubmitKey()
installToasts() // toasts below any dialog title they would cover

createApp(App).use(router).mount('#app')
