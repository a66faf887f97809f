// 服务登记 / 维修任务单: registering calls, the ticket list and page, callbacks, statistics, the
// weekly callback review, the personal work log, the technician's phone screens and the
// deadline settings. What this module adds to the shell: its routes, its menu entries (with the
// permission and roles that see them) and its home-page widgets.
import {
  EditPen, Tickets, Stamp, PhoneFilled, DataAnalysis, Iphone, Notebook, Finished, Timer,
} from '@element-plus/icons-vue'
import { defineAsyncComponent } from 'vue'
import { DESK_ROLES } from '../../kit/roles'
import { register, openRegister } from './useRegister'
import { unitPrefill } from '../../kit/currentUnit'

const DESK = { perm: 'tickets.read', roles: DESK_ROLES }

export default {
  name: 'tickets',
  tagline: { order: 10, text: '报事报修' },
  routes: [
    { path: 'tickets/new', name: 'ticket-new', component: () => import('./TicketNewView.vue'), meta: { title: '新登记', perm: 'tickets.write' } },
    { path: 'tickets', name: 'tickets', component: () => import('./TicketsView.vue'), meta: { title: '工单列表', perm: 'tickets.read' } },
    { path: 'tickets/stats', name: 'ticket-stats', component: () => import('./StatsView.vue'), meta: { title: '服务统计', perm: 'tickets.stats' } },
    { path: 'reviews', name: 'reviews', component: () => import('./ReviewsView.vue'), meta: { title: '回访周报', perm: 'tickets.stats' } },
    { path: 'reviews/:id(\\d+)', name: 'review', component: () => import('./ReviewView.vue'), meta: { title: '回访周报', perm: 'tickets.stats', parent: 'reviews' } },
    { path: 'worklog', name: 'worklog', component: () => import('./WorklogView.vue'), meta: { title: '个人工作日志', perm: 'tickets.read' } },
    { path: 'tickets/:id(\\d+)', name: 'ticket', component: () => import('./TicketView.vue'), meta: { title: '工单详情', perm: 'tickets.read', parent: 'tickets' } },
    { path: 'callbacks', name: 'callbacks', component: () => import('./CallbacksView.vue'), meta: { title: '回访', perm: 'tickets.act', roles: DESK_ROLES } },
    { path: 'm/orders', name: 'm-orders', component: () => import('./MobileOrdersView.vue'), meta: { title: '我的派工单', perm: 'tickets.act' } },
    { path: 'm/orders/:id(\\d+)', name: 'm-order', component: () => import('./MobileOrderView.vue'), meta: { title: '派工单', perm: 'tickets.read', parent: 'm-orders' } },
    { path: 'settings/service', name: 'settings-service', component: () => import('./ServiceSettingsView.vue'), meta: { title: '维修时限设置', perm: 'tickets.settings' } },
  ],
  menu: [
    { group: 'tickets', order: 10, path: '/tickets/new', title: '新登记', hint: 'F2', icon: EditPen, perm: 'tickets.write', test: 'menu-ticket-new' },
    { group: 'tickets', order: 20, path: '/tickets', title: '工单列表', icon: Tickets, perm: 'tickets.read', test: 'menu-tickets' },
    { group: 'tickets', order: 30, path: '/tickets?tab=mine', title: '我的工单', icon: Stamp, perm: 'tickets.write', roles: DESK_ROLES, test: 'menu-tickets-mine' },
    { group: 'tickets', order: 40, path: '/callbacks', title: '回访', icon: PhoneFilled, perm: 'tickets.act', roles: DESK_ROLES, test: 'menu-callbacks' },
    { group: 'tickets', order: 50, path: '/tickets/stats', title: '服务统计', icon: DataAnalysis, perm: 'tickets.stats', test: 'menu-ticket-stats' },
    { group: 'tickets', order: 60, path: '/worklog', title: '个人工作日志', icon: Notebook, perm: 'tickets.read', test: 'menu-worklog' },
    { group: 'tickets', order: 70, path: '/reviews', title: '回访周报', icon: Finished, perm: 'tickets.stats', test: 'menu-reviews' },
    { group: 'tickets', order: 80, path: '/m/orders', title: '我的派工单', icon: Iphone, perm: 'tickets.act', roles: ['technician'], test: 'menu-m-orders' },
    { group: 'system', order: 40, path: '/settings/service', title: '维修时限设置', icon: Timer, perm: 'tickets.settings', test: 'menu-settings-service' },
  ],
  // 新登记 from anywhere: the header button and F2 open the one RegisterDialog of the app
  actions: [
    {
      key: 'F2', title: '新登记', short: '登记', icon: EditPen, perm: 'tickets.write', test: 'header-register',
      component: defineAsyncComponent(() => import('./components/RegisterDialog.vue')),
      // on a unit's page F2 starts with that unit (and the person picked there)
      run: () => openRegister(unitPrefill()),
      busy: () => register.open,
    },
  ],
  widgets: [
    { kind: 'shortcut', order: 10, path: '/tickets', title: '工单列表', icon: Tickets, perm: 'tickets.read' },
    { kind: 'shortcut', order: 20, path: '/callbacks', title: '回访', icon: PhoneFilled, perm: 'tickets.act', roles: DESK_ROLES },
    // the dispatch queue: for those who may dispatch and assign (the workflows' DESK roles)
    { kind: 'queue', order: 10, key: 'dispatch', perm: 'tickets.act', roles: DESK_ROLES, component: defineAsyncComponent(() => import('./components/DispatchQueue.vue')) },
    { kind: 'todo', order: 10, label: '我登记的未完结工单', path: '/tickets', query: { mine: 1 }, to: '/tickets?tab=mine', ...DESK },
    { kind: 'todo', order: 20, label: '今天到期的回访', path: '/tickets', query: { due: 'today' }, to: '/callbacks', ...DESK },
    { kind: 'todo', order: 30, label: '我的派工单', path: '/tickets', query: { queue: 1 }, to: '/m/orders', roles: ['technician'] },
    { kind: 'late', order: 10, label: '超时维修单', path: '/tickets', query: { kind: 'public_repair,home_repair,service', overdue: 'any' }, to: '/tickets?tab=overdue', ...DESK },
  ],
  // on a unit's page: its open tickets and their history; 报修 / 投诉 / 咨询 for this unit
  unit: [
    { kind: 'card', key: 'tickets', title: '未完成的工单', order: 20, perm: 'tickets.read',
      component: defineAsyncComponent(() => import('./components/UnitTicketsCard.vue')) },
    { kind: 'card', key: 'ticket-history', title: '工单记录', order: 20, column: 'side', perm: 'tickets.read',
      component: defineAsyncComponent(() => import('./components/UnitTicketHistory.vue')) },
    ...[['home_repair', '报修', 'primary'], ['complaint', '投诉', 'warning'], ['inquiry', '咨询', '']].map(([kind, title, type], i) => ({
      kind: 'action', key: `register-${kind}`, title, type, order: 10 + i, perm: 'tickets.write', test: `unit-register-${kind}`,
      run: ({ unit, person }) => openRegister({ unit_id: unit.id, person_id: person?.id ?? null, kind }),
    })),
  ],
}
