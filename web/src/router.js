// Routes of the SPA: the shell's own (login, 工作台, 404) and every module's (web/src/modules.js).
// meta.perm / meta.roles say who may see a screen (kit/roles.js allowed()); the layout shows
// the 403 page in place when they do not hold. meta.parent names the list a record page
// belongs to (switching project there goes back to that list).
import { createRouter, createWebHistory } from 'vue-router'
import { store, loadMe, hasSessionHint } from './store'
import { isMobile } from './kit/useMobile'
import { technicianOnly } from './kit/roles'
import { moduleRoutes } from './modules'

const routes = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./views/login/LoginView.vue'),
    meta: { public: true, title: '登录' },
  },
  {
    path: '/',
    component: () => import('./layouts/MainLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('./views/home/HomeView.vue'), meta: { title: '工作台' } },
      ...moduleRoutes,
      { path: ':pathMatch(.*)*', name: 'notfound', component: () => import('./views/errors/NotFoundView.vue'), meta: { title: '页面不存在' } },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  if (!store.loaded) {
    if (hasSessionHint()) {
      try {
        await loadMe()
      } catch {
        // server unreachable: let the login page say so
        store.loaded = false
        if (!to.meta.public) return { name: 'login', query: { redirect: to.fullPath } }
        return true
      }
    } else {
      store.loaded = true
    }
  }
  if (to.meta.public) {
    if (to.name === 'login' && store.user) return safeRedirect(to.query.redirect)
    return true
  }
  if (!store.user) {
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }
  // a technician on a phone starts the day with the orders sent to them
  if (to.name === 'home' && isMobile.value && technicianOnly()) return { name: 'm-orders' }
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - 物业客服中心系统` : '物业客服中心系统'
})

/** Only same-site paths are accepted as a redirect target. */
export function safeRedirect(r) {
  if (typeof r === 'string' && r.startsWith('/') && !r.startsWith('//') && !r.startsWith('/login')) return r
  return '/'
}
