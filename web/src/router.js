// Routes of the SPA. meta.perm names the permission a screen needs in the current
// project; the layout shows the 403 page in place when it is missing. meta.parent names the
// list a record page belongs to (switching project there goes back to that list).
import { createRouter, createWebHistory } from 'vue-router'
import { store, loadMe, hasSessionHint } from './store'
import { isMobile } from './composables/useMobile'
import { hasRole, DESK_ROLES } from './utils/tickets'

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
      { path: 'units', name: 'units', component: () => import('./views/archive/UnitsView.vue'), meta: { title: '房屋', perm: 'archive.read' } },
      { path: 'units/:id(\\d+)', name: 'unit', component: () => import('./views/archive/UnitView.vue'), meta: { title: '房屋详情', perm: 'archive.read', parent: 'units' } },
      { path: 'people', name: 'people', component: () => import('./views/archive/PeopleView.vue'), meta: { title: '人员', perm: 'archive.read' } },
      { path: 'people/:id(\\d+)', name: 'person', component: () => import('./views/archive/PersonView.vue'), meta: { title: '人员详情', perm: 'archive.read', parent: 'people' } },
      { path: 'vehicles', name: 'vehicles', component: () => import('./views/archive/VehiclesView.vue'), meta: { title: '车辆', perm: 'archive.read' } },
      { path: 'buildings', name: 'buildings', component: () => import('./views/archive/BuildingsView.vue'), meta: { title: '楼栋', perm: 'archive.read' } },
      { path: 'archive/import', name: 'import', component: () => import('./views/archive/ImportView.vue'), meta: { title: '批量导入', perm: 'archive.write' } },
      { path: 'archive/completeness', name: 'completeness', component: () => import('./views/archive/CompletenessView.vue'), meta: { title: '建档率', perm: 'archive.read' } },
      { path: 'tickets/new', name: 'ticket-new', component: () => import('./views/tickets/TicketNewView.vue'), meta: { title: '新登记', perm: 'tickets.write' } },
      { path: 'tickets', name: 'tickets', component: () => import('./views/tickets/TicketsView.vue'), meta: { title: '工单列表', perm: 'tickets.read' } },
      { path: 'tickets/stats', name: 'ticket-stats', component: () => import('./views/tickets/StatsView.vue'), meta: { title: '服务统计', perm: 'tickets.stats' } },
      { path: 'reviews', name: 'reviews', component: () => import('./views/tickets/ReviewsView.vue'), meta: { title: '回访周报', perm: 'tickets.stats' } },
      { path: 'reviews/:id(\\d+)', name: 'review', component: () => import('./views/tickets/ReviewView.vue'), meta: { title: '回访周报', perm: 'tickets.stats', parent: 'reviews' } },
      { path: 'worklog', name: 'worklog', component: () => import('./views/tickets/WorklogView.vue'), meta: { title: '个人工作日志', perm: 'tickets.read' } },
      { path: 'tickets/:id(\\d+)', name: 'ticket', component: () => import('./views/tickets/TicketView.vue'), meta: { title: '工单详情', perm: 'tickets.read', parent: 'tickets' } },
      { path: 'callbacks', name: 'callbacks', component: () => import('./views/tickets/CallbacksView.vue'), meta: { title: '回访', perm: 'tickets.act', roles: DESK_ROLES } },
      { path: 'complaints', name: 'complaints', component: () => import('./views/complaints/ComplaintsView.vue'), meta: { title: '投诉列表', perm: 'tickets.read' } },
      { path: 'complaints/summary', name: 'complaint-summary', component: () => import('./views/complaints/ComplaintSummaryView.vue'), meta: { title: '投诉月度汇总', perm: 'complaints.stats' } },
      { path: 'complaints/:id(\\d+)', name: 'complaint', component: () => import('./views/complaints/ComplaintView.vue'), meta: { title: '投诉详情', perm: 'tickets.read', parent: 'complaints' } },
      { path: 'm/orders', name: 'm-orders', component: () => import('./views/tickets/MobileOrdersView.vue'), meta: { title: '我的派工单', perm: 'tickets.act' } },
      { path: 'm/orders/:id(\\d+)', name: 'm-order', component: () => import('./views/tickets/MobileOrderView.vue'), meta: { title: '派工单', perm: 'tickets.read', parent: 'm-orders' } },
      { path: 'visits/plans', name: 'visit-plans', component: () => import('./views/visits/VisitPlansView.vue'), meta: { title: '拜访计划', perm: 'visits.read' } },
      { path: 'visits', name: 'visits', component: () => import('./views/visits/VisitsView.vue'), meta: { title: '拜访记录', perm: 'visits.read' } },
      { path: 'visits/stats', name: 'visit-stats', component: () => import('./views/visits/VisitStatsView.vue'), meta: { title: '巡访率统计', perm: 'visits.read' } },
      { path: 'visits/:id(\\d+)', name: 'visit', component: () => import('./views/visits/VisitView.vue'), meta: { title: '拜访详情', perm: 'visits.read', parent: 'visits' } },
      { path: 'm/visit', name: 'm-visit', component: () => import('./views/visits/MobileVisitView.vue'), meta: { title: '记录拜访', perm: 'visits.write' } },
      { path: 'settings/service', name: 'settings-service', component: () => import('./views/settings/ServiceSettingsView.vue'), meta: { title: '维修时限设置', perm: 'tickets.settings' } },
      { path: 'users', name: 'users', component: () => import('./views/users/UsersView.vue'), meta: { title: '用户管理', perm: 'users.read' } },
      { path: 'projects', name: 'projects', component: () => import('./views/projects/ProjectsView.vue'), meta: { title: '管理处', perm: 'projects.read' } },
      { path: 'audit', name: 'audit', component: () => import('./views/audit/AuditView.vue'), meta: { title: '审计日志', perm: 'audit.read' } },
      { path: 'tokens', name: 'tokens', component: () => import('./views/tokens/TokensView.vue'), meta: { title: 'API 令牌' } },
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

function technicianOnly() {
  return hasRole('technician') && !hasRole(...DESK_ROLES)
}

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - 物业客服中心系统` : '物业客服中心系统'
})

/** Only same-site paths are accepted as a redirect target. */
export function safeRedirect(r) {
  if (typeof r === 'string' && r.startsWith('/') && !r.startsWith('//') && !r.startsWith('/login')) return r
  return '/'
}
