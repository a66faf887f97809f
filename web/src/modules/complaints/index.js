// 投诉 (客情记录表): the complaint list with its handler's and leads' tabs, one complaint's page
// and the monthly summary. Complaints are tickets of kind complaint: this module borrows the
// tickets module's state tag, timeline and record page logic.
import { Warning, Stamp, Bell, TrendCharts } from '@element-plus/icons-vue'
import { defineAsyncComponent } from 'vue'
import { DESK_ROLES, LEAD_ROLES } from '../../kit/roles'

export default {
  name: 'complaints',
  tagline: { order: 20, text: '投诉回访' },
  routes: [
    { path: 'complaints', name: 'complaints', component: () => import('./ComplaintsView.vue'), meta: { title: '投诉列表', perm: 'tickets.read' } },
    { path: 'complaints/summary', name: 'complaint-summary', component: () => import('./ComplaintSummaryView.vue'), meta: { title: '投诉月度汇总', perm: 'complaints.stats' } },
    { path: 'complaints/:id(\\d+)', name: 'complaint', component: () => import('./ComplaintView.vue'), meta: { title: '投诉详情', perm: 'tickets.read', parent: 'complaints' } },
  ],
  menu: [
    { group: 'complaints', order: 10, path: '/complaints', title: '投诉列表', icon: Warning, perm: 'tickets.read', test: 'menu-complaints' },
    { group: 'complaints', order: 20, path: '/complaints?tab=handler', title: '我处理的投诉', icon: Stamp, perm: 'tickets.act', test: 'menu-complaints-handler' },
    { group: 'complaints', order: 30, path: '/complaints?tab=escalated', title: '升级督办', icon: Bell, perm: 'complaints.stats', roles: LEAD_ROLES, test: 'menu-complaints-escalated' },
    { group: 'complaints', order: 40, path: '/complaints/summary', title: '投诉月度汇总', icon: TrendCharts, perm: 'complaints.stats', test: 'menu-complaints-summary' },
  ],
  widgets: [
    { kind: 'shortcut', order: 30, path: '/complaints', title: '投诉列表', icon: Warning, perm: 'tickets.read' },
    { kind: 'todo', order: 40, label: '我处理的投诉', path: '/tickets', query: { handling: 1 }, to: '/complaints?tab=handler', perm: 'tickets.act' },
    { kind: 'late', order: 20, label: '超时投诉', path: '/tickets', query: { kind: 'complaint', overdue: 'any' }, to: '/complaints?tab=overdue', perm: 'tickets.read', roles: DESK_ROLES },
    { kind: 'late', order: 30, label: '已升级督办的投诉', path: '/tickets', query: { escalated: 1 }, to: '/complaints?tab=escalated', roles: LEAD_ROLES },
  ],
  // on a unit's page: its complaints not yet closed (the tickets module's card, for complaints)
  unit: [
    { kind: 'card', key: 'complaints', title: '未办结的投诉', order: 30, perm: 'tickets.read',
      component: defineAsyncComponent(() => import('../tickets/components/UnitTicketsCard.vue')),
      props: (u) => ({ unit: u, complaints: true }) },
  ],
}
