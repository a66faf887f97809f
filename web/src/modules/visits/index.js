// 拜访业主: the stewards' monthly plans, the visit records and one visit's page, the visit-rate
// statistics and the phone screen that records a visit at the door.
import { Calendar, ChatDotRound, DataLine, Iphone } from '@element-plus/icons-vue'
import { defineAsyncComponent } from 'vue'
import { store } from '../../store'

export default {
  name: 'visits',
  tagline: { order: 30, text: '业主拜访' },
  routes: [
    { path: 'visits/plans', name: 'visit-plans', component: () => import('./VisitPlansView.vue'), meta: { title: '拜访计划', perm: 'visits.read' } },
    { path: 'visits', name: 'visits', component: () => import('./VisitsView.vue'), meta: { title: '拜访记录', perm: 'visits.read' } },
    { path: 'visits/stats', name: 'visit-stats', component: () => import('./VisitStatsView.vue'), meta: { title: '巡访率统计', perm: 'visits.read' } },
    { path: 'visits/:id(\\d+)', name: 'visit', component: () => import('./VisitView.vue'), meta: { title: '拜访详情', perm: 'visits.read', parent: 'visits' } },
    { path: 'm/visit', name: 'm-visit', component: () => import('./MobileVisitView.vue'), meta: { title: '记录拜访', perm: 'visits.write' } },
  ],
  menu: [
    { group: 'complaints', order: 50, path: '/visits/plans', title: '拜访计划', icon: Calendar, perm: 'visits.read', test: 'menu-visit-plans' },
    { group: 'complaints', order: 60, path: '/visits', title: '拜访记录', icon: ChatDotRound, perm: 'visits.read', test: 'menu-visits' },
    { group: 'complaints', order: 70, path: '/visits/stats', title: '巡访率统计', icon: DataLine, perm: 'visits.read', test: 'menu-visit-stats' },
    { group: 'complaints', order: 80, path: '/m/visit', title: '记录拜访', icon: Iphone, perm: 'visits.write', roles: ['steward'], test: 'menu-m-visit' },
  ],
  widgets: [
    { kind: 'shortcut', order: 40, path: '/visits', title: '拜访记录', icon: ChatDotRound, perm: 'visits.read' },
    { kind: 'todo', order: 50, label: '本月待拜访', path: '/visits', query: { state: 'planned', steward_id: () => store.user?.id }, to: '/visits',
      perm: 'visits.read', roles: ['steward'] },
  ],
  // on a unit's page: its visits and callbacks
  unit: [
    { kind: 'card', key: 'visits', title: '拜访记录', order: 30, column: 'side', perm: 'visits.read',
      component: defineAsyncComponent(() => import('./UnitVisitsCard.vue')) },
  ],
}
